#!/bin/sh
# bench_note.sh - per-message cost of lib/note's injection against Debian's altermime
# doing a comparable disclaimer insertion (text and HTML) on the same messages.
#
#   tests/bench/bench_note.sh [COUNT]      (from the build tree; COUNT messages per shape,
#                                            default 200)
#
# Three shapes: a short text/plain mail, a multipart/alternative (QP text + HTML), and a
# multipart/mixed with the alternative and a 300 KB base64 PDF. For each shape it times
#   - note-inject run once per message (a process per message, as altermime is), and
#   - altermime --input=FILE --disclaimer=... --disclaimer-html=... on a copy of each,
# then the in-process cost of note_inject() alone (note-inject -n). Prints milliseconds
# per message and the ratio. Not a pass/fail test: numbers only.
set -eu

count=${1:-200}
builddir=${top_builddir:-.}
driver=$builddir/tests/note/note-inject
[ -x "$driver" ] || { echo "bench_note: build $driver first (make check)" >&2; exit 77; }
command -v altermime >/dev/null 2>&1 || { echo "bench_note: altermime not installed" >&2; exit 77; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

printf 'Thank you for your business, Zoe. We value every invoice.\n' >"$tmp/note.txt"
printf '<div class="postsale-note"><p>Thank you for your business, Zoe.</p></div>\n' >"$tmp/note.html"

python3 - "$tmp" <<'EOF'
import base64, os, sys
tmp = sys.argv[1]
hdr = ("From: Billing <billing@example.com>\r\nTo: Zoe <zoe@customer.example>\r\n"
       "Subject: Invoice R-1\r\nMessage-ID: <m1@example.com>\r\nMIME-Version: 1.0\r\n")
text = hdr + "Content-Type: text/plain; charset=us-ascii\r\n\r\n" + "Hello Zoe,\r\n\r\nplease find the invoice.\r\n" * 5
alt_body = ('--alt\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n'
            + "Gr=C3=BC=C3=9Fe, the invoice is attached.\r\n" * 20
            + '--alt\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n'
            + "<html><body>" + "<p>Gr=C3=BC=C3=9Fe, the invoice is attached.</p>\r\n" * 20 + "</body></html>\r\n--alt--\r\n")
alt = hdr + 'Content-Type: multipart/alternative; boundary="alt"\r\n\r\n' + alt_body
pdf = base64.encodebytes(os.urandom(300 * 1024)).decode().replace("\n", "\r\n")
mixed = (hdr + 'Content-Type: multipart/mixed; boundary="mix"\r\n\r\n--mix\r\n'
         'Content-Type: multipart/alternative; boundary="alt"\r\n\r\n' + alt_body
         + '--mix\r\nContent-Type: application/pdf; name="R-1.pdf"\r\nContent-Disposition: attachment; filename="R-1.pdf"\r\n'
         'Content-Transfer-Encoding: base64\r\n\r\n' + pdf + '--mix--\r\n')
for name, m in (("text", text), ("alternative", alt), ("mixed_pdf", mixed)):
    with open(os.path.join(tmp, name + ".eml"), "w", newline="") as f:
        f.write(m)
EOF

now_ns() { date +%s%N; }

printf '%-12s %8s %14s %14s %8s %16s\n' shape bytes "postsale ms" "altermime ms" ratio "in-process us"
for shape in text alternative mixed_pdf; do
	src=$tmp/$shape.eml
	size=$(wc -c <"$src")
	mkdir -p "$tmp/am"
	i=0
	while [ $i -lt "$count" ]; do cp "$src" "$tmp/am/$i.eml"; i=$((i + 1)); done

	t0=$(now_ns)
	i=0
	while [ $i -lt "$count" ]; do
		"$driver" -T "$tmp/note.txt" -H "$tmp/note.html" -o "$tmp/out.eml" "$src" 2>/dev/null || true
		i=$((i + 1))
	done
	t1=$(now_ns)
	i=0
	while [ $i -lt "$count" ]; do
		altermime --input="$tmp/am/$i.eml" --disclaimer="$tmp/note.txt" \
		    --disclaimer-html="$tmp/note.html" >/dev/null 2>&1 || true
		i=$((i + 1))
	done
	t2=$(now_ns)
	inproc=$("$driver" -n 2000 -T "$tmp/note.txt" -H "$tmp/note.html" -o /dev/null "$src" 2>&1 |
	    sed -n 's/.*: \([0-9.]*\) us per message.*/\1/p')
	awk -v s="$shape" -v b="$size" -v p=$((t1 - t0)) -v a=$((t2 - t1)) -v n="$count" -v ip="$inproc" \
	    'BEGIN { printf "%-12s %8d %14.3f %14.3f %8.2f %16s\n", s, b, p / n / 1e6, a / n / 1e6, a / p, ip }'
	rm -rf "$tmp/am"
done
echo "ratio = altermime time / postsale time (process per message, both); in-process = note_inject() alone"
