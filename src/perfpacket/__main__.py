"""``python -m perfpacket``: the same command line as the ``perfpacket`` script."""

from perfpacket.cli import main

main()
