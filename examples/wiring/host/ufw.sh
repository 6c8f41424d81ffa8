#!/bin/sh
# The host's firewall: only SSH and the proxy from outside.
set -e
ufw default deny incoming
ufw allow 22/tcp
ufw allow 8080/tcp
ufw deny 5432
