"""AWS's documented behaviour, written down once as small tables and rules, each citing the AWS
documentation page it follows, so the synthesized templates can be checked against what AWS does
without an AWS account. These are not re-implementations of AWS: each rule is as short as the
documentation sentence it transcribes, and anything outside it raises instead of guessing."""
