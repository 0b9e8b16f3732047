// build.mjs bundles stylesheets as text: importing one gives its CSS source.
declare module "*.css" {
  const css: string;
  export default css;
}
declare module "*.scss" {
  const css: string;
  export default css;
}
