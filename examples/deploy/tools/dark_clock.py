from datetime import datetime, timezone

from pywebio_nb import config
from pywebio_nb.output import put_markdown


@config(title="Clock (dark theme)", description="The server's UTC time", theme="dark")
def main() -> None:
    put_markdown(f"## {datetime.now(timezone.utc):%H:%M:%S} UTC")
