"""``python -m sknumpynn.compare``: the same as the ``sknumpynn-compare`` script."""

from sknumpynn.compare import main

if __name__ == "__main__":
    raise SystemExit(main())
