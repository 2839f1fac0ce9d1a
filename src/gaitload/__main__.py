"""`python -m gaitload`, the same as the `gaitload` command."""

from gaitload.cli import main

main()
