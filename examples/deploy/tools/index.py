from pywebio_nb.output import put_link, put_markdown


def main() -> None:
    """Tools

    This directory's own index (an index.py app replaces the generated one).
    """
    put_markdown("## Tools")
    put_link("Clock", url="dark_clock")
