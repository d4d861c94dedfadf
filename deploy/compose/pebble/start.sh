#!/bin/sh
# Pebble for the compose stack: a throwaway CA for its own HTTPS listener (written to the shared
# pebble-ca volume, which the worker trusts through ACME_CA_BUNDLE), then pebble itself.
set -eu
d=/pebble-ca
if [ ! -s "$d/ca.pem" ] || [ ! -s "$d/cert.pem" ]; then
  mkdir -p "$d"
  ec="-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
  # shellcheck disable=SC2086
  openssl req -x509 $ec -keyout "$d/ca.key" -out "$d/ca.pem" -days 3650 \
    -subj "/CN=cirrus compose pebble CA" 2>/dev/null
  # shellcheck disable=SC2086
  openssl req $ec -keyout "$d/key.pem" -out "$d/leaf.csr" -subj "/CN=pebble" 2>/dev/null
  printf 'subjectAltName=DNS:pebble,DNS:localhost,IP:127.0.0.1\n' >"$d/leaf.ext"
  openssl x509 -req -in "$d/leaf.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
    -out "$d/cert.pem" -days 3650 -extfile "$d/leaf.ext" 2>/dev/null
  chmod 0644 "$d/ca.pem" "$d/cert.pem"
fi
cat >/tmp/pebble.json <<JSON
{"pebble": {"listenAddress": "0.0.0.0:14000", "managementListenAddress": "0.0.0.0:15000",
  "certificate": "$d/cert.pem", "privateKey": "$d/key.pem",
  "httpPort": 5002, "tlsPort": 5001, "ocspResponderURL": "",
  "externalAccountBindingRequired": false}}
JSON
exec /usr/bin/pebble -config /tmp/pebble.json -dnsserver "${PEBBLE_DNS_SERVER:-127.0.0.11:53}"
