"""Redis down: `cirrus dns` keeps serving (and transferring) the last zone; once Redis is back,
the pub/sub reconnect triggers a rebuild, so a change made while the master could not see it
is served without any further message (spec §4: subscribers re-read after reconnecting)."""
import dns.rcode

from dns_fixtures import (addresses, dns_master, fqdn, put_domain, put_node,  # noqa: F401
                          query, r)
from harness import wait_until


def test_serves_the_last_zone_while_redis_is_down_and_catches_up_after(dns_master, r,
                                                                        redis_server):
    put_node(r, "n0", ipv4="192.0.2.1", publish=False)
    put_domain(r, "www.example.com", publish=False)
    m = dns_master()
    serial = m.serial()
    assert addresses(m.port, fqdn("www.example.com")) == {"192.0.2.1"}

    # A change nobody announces, saved with the data set; then Redis goes away.
    put_domain(r, "quiet.example.com", publish=False)
    r.shutdown(save=True)
    wait_until(lambda: not redis_server.proc.alive(), 5, "redis stopped")

    assert addresses(m.port, fqdn("www.example.com")) == {"192.0.2.1"}
    assert query(m.port, fqdn("quiet.example.com")).rcode() == dns.rcode.NXDOMAIN
    assert m.serial() == serial
    assert m.healthy()

    redis_server.start()  # same port and data directory: the saved data comes back
    wait_until(lambda: addresses(m.port, fqdn("quiet.example.com")) == {"192.0.2.1"}, 10,
               "the change is served after the reconnect")
    assert m.serial() > serial
