"""Entry point of `consultaid` and `python -m consultaid`."""

import sys


def main() -> int:
    if getattr(sys, "frozen", False):   # the packaged app: a worker process (content/checking.py) starts here
        import multiprocessing

        multiprocessing.freeze_support()
    from consultaid.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
