#!/bin/sh
# Renders nsd.conf from nsd.conf.in (zone and TSIG secret shared with `cirrus dns` through the
# compose environment), checks it, then runs NSD in the foreground.
set -eu
: "${CNAME_BASE_DOMAIN:?}" "${TSIG_SECRET:?}"
sed -e "s|@ZONE@|$CNAME_BASE_DOMAIN|g" -e "s|@TSIG_SECRET@|$TSIG_SECRET|g" \
  /etc/nsd/cirrus/nsd.conf.in >/etc/nsd/nsd.conf
chown -R nsd:nsd /var/lib/nsd
nsd-checkconf /etc/nsd/nsd.conf
exec /usr/sbin/nsd -d -c /etc/nsd/nsd.conf
