"""HTTP entry points: parse, call one service or workflow function, render. No rules here."""
