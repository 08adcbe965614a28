"""Pure-Python core: value objects, enums, errors and the maths every layer shares."""
