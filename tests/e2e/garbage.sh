#!/bin/bash
# garbage.sh IMPL_A IMPL_B: while a transfer runs, random datagrams of every length, truncated and
# replayed tunnel packets and forged key-setup messages hit bravo's port; the transfer arrives
# intact, bravo keeps running and its memory stays bounded.
. "$(dirname "$0")/lib.sh"
VPN_IMPL_A=$1 VPN_IMPL_B=$2
e2e_up
e2e_ping alpha 30 || fail "no tunnel"
ip netns exec "$VPN_NS_A" tcpdump -i "${VPN_PREFIX}a0" -w "$VPN_DIR/cap.pcap" -U udp port 16900 >/dev/null 2>&1 &
tcpd=$!
sleep 1; ip netns exec "$VPN_NS_A" ping -c 20 -i 0.05 192.0.2.129 >/dev/null; sleep 0.5; kill $tcpd; wait $tcpd 2>/dev/null
rss0=$(awk '/VmRSS/{print $2}' /proc/"$(vpn_pid bravo)"/status)
ip netns exec "$VPN_NS_A" python3 - "$VPN_DIR/cap.pcap" <<'PY' &
import os, random, socket, struct, sys, time
pkts = []
try:
    d = open(sys.argv[1], "rb").read()
    off = 24
    while off + 16 <= len(d):
        incl = struct.unpack_from("<I", d, off + 8)[0]
        frame = d[off + 16: off + 16 + incl]; off += 16 + incl
        if len(frame) > 42: pkts.append(frame[42:])   # Ethernet 14 + IPv4 20 + UDP 8
except OSError:
    pass
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("198.51.100.1", 0))
dst = ("198.51.100.2", 16900)
rnd = random.Random(1)
end = time.time() + 6
while time.time() < end:
    for n in range(0, 1500, 7):
        s.sendto(os.urandom(n), dst)
    for p in pkts:
        s.sendto(p, dst)                                  # replayed
        s.sendto(p[: rnd.randrange(len(p))], dst)         # truncated
        q = bytearray(p); q[rnd.randrange(len(q))] ^= 0x55; s.sendto(bytes(q), dst)  # corrupted
    time.sleep(0.01)
PY
junk=$!
e2e_transfer 10 || fail "transfer under garbage"
wait $junk
pid=$(vpn_pid bravo)
kill -0 "$pid" 2>/dev/null || fail "bravo died"
rss1=$(awk '/VmRSS/{print $2}' /proc/"$pid"/status)
echo "bravo RSS before $rss0 kB, after $rss1 kB"
[ "$rss1" -lt $(( rss0 + 65536 )) ] || fail "memory grew by more than 64 MB"
e2e_ping alpha 5 || fail "tunnel lost after garbage"
echo "PASS: garbage $*"
