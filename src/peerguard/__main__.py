"""`python -m peerguard` runs the CLI."""

from peerguard.cli import main

main()
