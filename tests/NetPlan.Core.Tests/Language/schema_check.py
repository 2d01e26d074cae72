#!/usr/bin/env python3
"""Validates YAML topology files against netplan.schema.json with an independent validator
(python3-jsonschema + python3-yaml), so the schema cannot drift from what the loader accepts.

usage: schema_check.py SCHEMA FILE...
prints one line per file: "valid FILE" or "invalid FILE: first error" (or "unreadable FILE: why");
exit status 0 whenever every file could be checked.
"""
import sys

import jsonschema
import yaml


def main() -> int:
    with open(sys.argv[1], encoding="utf-8") as f:
        import json
        schema = json.load(f)
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)
    for path in sys.argv[2:]:
        try:
            with open(path, encoding="utf-8") as f:
                document = yaml.safe_load(f)
        except yaml.YAMLError as e:
            print(f"unreadable {path}: {str(e).splitlines()[0]}")
            continue
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        if errors:
            where = "/".join(str(p) for p in errors[0].absolute_path)
            print(f"invalid {path}: {where}: {errors[0].message}")
        else:
            print(f"valid {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
