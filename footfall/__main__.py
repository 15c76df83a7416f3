"""`python -m footfall` runs the `footfall` command."""

from footfall.cli import main

main()
