"""The synth baseline: a CDK app whose one stack holds one plain Lambda function.

``cdk synth --app "python3 benchmarks/one_function_app.py"`` (the CLI supplies cdk.json's context).
"""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_

_CODE = Path(__file__).resolve().parent / "naive"


def build() -> cdk.App:
    """An app with one Python Lambda function from a local directory."""
    app = cdk.App()
    stack = cdk.Stack(app, "BenchOneFunction")
    lambda_.Function(
        stack,
        "Function",
        runtime=lambda_.Runtime.PYTHON_3_14,
        architecture=lambda_.Architecture.ARM_64,
        handler="naive_handler.handler",
        code=lambda_.Code.from_asset(str(_CODE), exclude=["__pycache__", "*.pyc"]),
    )
    return app


if __name__ == "__main__":
    build().synth()
