#!/bin/bash
# flood.sh IMPL_A IMPL_B: while alpha pings bravo, 100,000 forged datagrams reach bravo's port aimed
# at the real site index bravo gave alpha, with every label the protocol has (data, MSG1-9, MSG3bis,
# PROD, NAK) and random bodies, 20,000 a second. The tunnel must keep answering, bravo must survive
# with its resident size grown by less than 8 MB (the GC's young budget is 4 MB), and a TCP
# transfer afterwards must arrive intact. The last line,
# "RESULT sent=N received=M rss_growth_kb=G", lets the caller compare implementations in one run.
. "$(dirname "$0")/lib.sh"
VPN_IMPL_A=$1 VPN_IMPL_B=$2
FLOOD=${FLOOD_DATAGRAMS:-100000}
PINGS=500
e2e_up
e2e_ping alpha 30 || fail "no tunnel"
# Learn bravo's index for alpha from a real data packet's header (the receiver's index comes first).
capture_index() {
  ip netns exec "$VPN_NS_A" tcpdump -i "${VPN_PREFIX}a0" -c 5 -w "$VPN_DIR/cap.pcap" -U \
    udp and dst host 198.51.100.2 and dst port 16900 >/dev/null 2>&1 &
  local tcpd=$!
  sleep 1; ip netns exec "$VPN_NS_A" ping -c 10 -i 0.05 192.0.2.129 >/dev/null; sleep 0.5
  kill $tcpd 2>/dev/null; wait $tcpd 2>/dev/null
  python3 - "$VPN_DIR/cap.pcap" <<'PY'
import struct, sys
try:
    d = open(sys.argv[1], "rb").read()
except OSError:
    sys.exit()
off = 24
while off + 16 <= len(d):
    incl = struct.unpack_from("<I", d, off + 8)[0]
    frame = d[off + 16: off + 16 + incl]; off += 16 + incl
    if len(frame) >= 42 + 12:
        print(frame[42:46].hex()); break
PY
}
index=
for attempt in 1 2 3; do index=$(capture_index); [ -n "$index" ] && break; done
[ -n "$index" ] || fail "no tunnel packet captured"
pid=$(vpn_pid bravo)
rss0=$(awk '/VmRSS/{print $2}' /proc/"$pid"/status)
lines0=$(cat "$VPN_DIR/bravo.out" "$VPN_DIR/bravo.log" 2>/dev/null | wc -l)
ip netns exec "$VPN_NS_A" ping -c "$PINGS" -i 0.02 -W 2 192.0.2.129 >"$VPN_DIR/ping.out" 2>&1 &
pinger=$!
ip netns exec "$VPN_NS_A" python3 - "$index" "$FLOOD" <<'PY'
import os, random, socket, struct, sys, time
index = bytes.fromhex(sys.argv[1]); total = int(sys.argv[2])
labels = [0x00020200, 0x01010101, 0x02020202, 0x03030303, 0x13030313, 0x04040404, 0x05050505,
          0x06060606, 0x07070707, 0x08080808, 0x09090909, 0x0a0a0a0a, 0x00000000]
rnd = random.Random(16)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("198.51.100.1", 0))
dst = ("198.51.100.2", 16900)
pool = [index + os.urandom(4) + struct.pack(">I", labels[i % len(labels)]) + os.urandom(rnd.randrange(0, 300))
        for i in range(4096)]
sent = 0; t0 = time.time()
while sent < total:
    for p in pool[sent % 4096: sent % 4096 + 200]:
        s.sendto(p, dst)
    sent += 200
    ahead = sent / 20000 - (time.time() - t0)      # 20,000 a second
    if ahead > 0: time.sleep(ahead)
print(f"flood: {sent} datagrams in {time.time() - t0:.1f} s")
PY
wait $pinger
kill -0 "$pid" 2>/dev/null || fail "bravo died under the flood"
rss1=$(awk '/VmRSS/{print $2}' /proc/"$pid"/status)
if [ "$VPN_IMPL_B" = ours ]; then
  # Ours says on SIGUSR1 what of that is live and what the GC merely kept (it trims first).
  kill -USR1 "$pid"; e2e_wait_log bravo 'memory: managed heap' 5
  cat "$VPN_DIR/bravo.out" "$VPN_DIR/bravo.log" 2>/dev/null | grep 'memory: managed heap' | tail -1
fi
received=$(grep -c 'bytes from .*time=' "$VPN_DIR/ping.out" | tr -d ' ')
lines1=$(cat "$VPN_DIR/bravo.out" "$VPN_DIR/bravo.log" 2>/dev/null | wc -l)
echo "bravo logged $(( lines1 - lines0 )) lines during the flood; the commonest:"
cat "$VPN_DIR/bravo.out" "$VPN_DIR/bravo.log" 2>/dev/null | tail -n +"$lines0" | cut -c17- | sed 's/[0-9a-f]\{8,\}/X/g' | sort | uniq -c | sort -rn | head -5
echo "ping under flood: $received of $PINGS answered; bravo RSS $rss0 kB before, $rss1 kB after"
[ $(( rss1 - rss0 )) -lt 8192 ] || fail "bravo's memory grew by $(( rss1 - rss0 )) kB under the flood"
e2e_transfer 4 || fail "transfer after the flood"
echo "RESULT sent=$PINGS received=$received rss_growth_kb=$(( rss1 - rss0 ))"
echo "PASS: flood $*"
