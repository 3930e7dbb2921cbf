"""`gitorch mcp`: gitorch's commands as the tools of a stdio MCP server (DESIGN §17).

This package owns the server and its tools. It needs the official MCP SDK, an optional
extra (`pip install 'gitorch[mcp]'`) imported only by `gitorch mcp`, so the base install and
every other command stay as light as they are. Each tool runs the gitorch command itself,
in the repository the server was started in, and returns the command's JSON document; a
command's one-line error is the tool's error.
"""
