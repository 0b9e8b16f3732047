"""Names starting with "_" are never listed nor served by path_deploy."""


def main() -> None:
    raise RuntimeError("never served")
