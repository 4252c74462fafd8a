"""The ``scelle`` command line: click commands that parse, call one library function and render."""
