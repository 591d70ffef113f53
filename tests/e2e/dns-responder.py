#!/usr/bin/env python3
"""dns-responder.py ADDR ZONEFILE LOG [silent]: a tiny authoritative-looking DNS responder for the
end-to-end tests (inside a namespace only). ZONEFILE lines: "name A|AAAA address". Answers A/AAAA
for listed names, NODATA for a listed name without that type, NXDOMAIN otherwise; every question
is appended to LOG as "name type" (with "silent": "time name type", and nothing is answered)."""
import socket
import struct
import sys
import time

addr, zonefile, logfile = sys.argv[1:4]
silent = sys.argv[4:5] == ['silent']
zone = {}
for line in open(zonefile):
    parts = line.split()
    if len(parts) == 3:
        zone.setdefault(parts[0].lower().rstrip('.'), []).append((parts[1], parts[2]))
family = socket.AF_INET6 if ':' in addr else socket.AF_INET
s = socket.socket(family, socket.SOCK_DGRAM)
s.bind((addr, 53))
TYPES = {1: 'A', 28: 'AAAA'}
while True:
    data, peer = s.recvfrom(512)
    if len(data) < 12:
        continue
    qid, flags, qd = struct.unpack('!HHH', data[:6])
    at, labels = 12, []
    while at < len(data) and data[at]:
        labels.append(data[at + 1:at + 1 + data[at]].decode('ascii', 'replace'))
        at += 1 + data[at]
    qtype, = struct.unpack('!H', data[at + 1:at + 3])
    question = data[12:at + 5]
    name = '.'.join(labels).lower()
    tname = TYPES.get(qtype, str(qtype))
    with open(logfile, 'a') as log:
        log.write(f'{time.monotonic():.3f} {name} {tname}\n' if silent else f'{name} {tname}\n')
    if silent:
        continue
    records = zone.get(name)
    answers = []
    if records is not None:
        for rtype, value in records:
            if rtype == tname:
                rdata = socket.inet_pton(socket.AF_INET if rtype == 'A' else socket.AF_INET6, value)
                answers.append(b'\xc0\x0c' + struct.pack('!HHIH', qtype, 1, 60, len(rdata)) + rdata)
    rcode = 0 if records is not None else 3
    header = struct.pack('!HHHHHH', qid, 0x8580 | rcode, 1, len(answers), 0, 0)
    s.sendto(header + question + b''.join(answers), peer)
