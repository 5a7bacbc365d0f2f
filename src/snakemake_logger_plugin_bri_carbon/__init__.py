"""Snakemake logger plugin ``bri-carbon``: one line per finished job on the terminal.

Snakemake finds logger plugins by their package name (``snakemake_logger_plugin_<name>``);
``profiles/default/config.yaml`` selects this one (``logger: [bri-carbon]``). The handler is
:class:`bri_carbon.runtime.terminal.TerminalHandler`.
"""

from bri_carbon.runtime.terminal import TerminalHandler as LogHandler

__all__ = ["LogHandler"]
