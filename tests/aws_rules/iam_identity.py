"""How AWS names an AWS_IAM caller in an API Gateway event, and who chooses which part.

* API Gateway developer guide, "$context variables for data models, authorizers, mapping
  templates, and access logging"
  (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html):
  ``$context.identity.userArn`` is "the Amazon Resource Name (ARN) of the effective user
  identified after authentication"; ``cognitoIdentityId`` and ``cognitoIdentityPoolId`` are
  "available only if the request was signed with Amazon Cognito credentials". The proxy event
  carries them in ``requestContext.identity`` ("Input format of a Lambda function for proxy
  integration"), ``null`` when there is none.
* IAM User Guide, "IAM identifiers"
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html): a role
  session's ARN is ``arn:<partition>:sts::<account>:assumed-role/<role-name>/<role-session-name>``
  (the role's path is not in it); an IAM user's is ``arn:<partition>:iam::<account>:user/<name>``,
  with the user's path, if any, before the name.
* IAM API Reference, "CreateRole": ``RoleName`` is 1-64 characters of ``[\\w+=,.@-]``. AWS STS
  API Reference, "AssumeRole": ``RoleSessionName`` is 2-64 characters of ``[\\w+=,.@-]``, chosen
  by whoever assumes the role ("use the role session name to uniquely identify a session when
  the same role is assumed by different principals or for different reasons").
* IAM User Guide, "IAM and AWS STS condition context keys"
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html):
  ``sts:RoleSessionName`` in a role's trust policy fixes the session name its assumers must
  choose (for example ``${aws:username}``); ``sts:SourceIdentity`` requires a source identity,
  a separate value that is not part of the session's ARN.
* Amazon Cognito Federated Identities API Reference, "DescribeIdentity": an ``IdentityId`` is
  "a unique identifier in the format REGION:GUID", pattern ``[\\w-]+:[0-9a-f-]+``, 1-55 characters.
* Partitions: botocore's ``partitions.json`` (the SDK's own list).
"""

from __future__ import annotations

import re

import botocore.loaders

ROLE_NAME = re.compile(r"[\w+=,.@-]{1,64}", re.ASCII)
SESSION_NAME = re.compile(r"[\w+=,.@-]{2,64}", re.ASCII)
IDENTITY_ID = re.compile(r"[\w-]+:[0-9a-f-]+", re.ASCII)
#: Cognito's session name for identity-pool credentials (every user of the pool has it).
IDENTITY_POOL_SESSION_NAME = "CognitoIdentityCredentials"


def partitions() -> list[str]:
    """Every AWS partition the SDK knows (``aws``, ``aws-cn``, ``aws-us-gov``, ...)."""
    data = botocore.loaders.create_loader().load_data("partitions")
    return [partition["id"] for partition in data["partitions"]]


def assumed_role_arn(role: str, session: str, partition: str = "aws", account: str = "") -> str:
    """The ``userArn`` of a session ``session`` of role ``role``."""
    assert ROLE_NAME.fullmatch(role) and SESSION_NAME.fullmatch(session), (role, session)
    return f"arn:{partition}:sts::{account or '123456789012'}:assumed-role/{role}/{session}"
