"""The sections of the minutes, one module each: what a section says, as blocks, given the `Context`.

`layout.build_layout` puts them in the template's order; each function here is pure.
"""
