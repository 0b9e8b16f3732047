// jsdom does no layout, so it has no scrolling API; the renderer calls it for scroll_to.
Element.prototype.scrollIntoView = function scrollIntoView(): void {};
