#!/usr/bin/env python3
"""coverage.py - the man pages against the programs and the key table.

The lists come from the programs themselves, never from a hand list here:
  - postsalectl --help (its dispatch table): every command needs a ".SS command"
    section in postsalectl(1); every option and subcommand of its synopsis a tagged
    paragraph (.TP) or a mention in that section; the global options a tagged paragraph;
  - postsale-mailer --help: every command and option a tagged paragraph in
    postsale-mailer(8);
  - postsale-milter -h: every option a tagged paragraph in postsale-milter(8);
  - postsale-web -h: every option a tagged paragraph in postsale-web(8);
  - the key table (tests/man/conf_defaults prints lib/conf/conf_keys.c): every key a tagged
    paragraph in postsale.conf(5) whose "Default:" equals the table's default.
Every generated page must also format without a warning (groff -ww -z, and man
--warnings -l where man(1) is installed), and no @variable@ may be left unsubstituted.
Each failure names the page and the missing command, option or key.
Exit status: 0 pass, 1 fail, 99 hard error.
"""
import os
import re
import shutil
import subprocess
import sys

top_builddir = os.environ.get("top_builddir", ".")
fails = []


def fail(msg):
    fails.append(msg)
    print("FAIL: " + msg)


def run(argv):
    p = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout + p.stderr


def prog(path):
    p = os.path.join(top_builddir, path)
    if not os.access(p, os.X_OK):
        print("coverage: %s is not built" % p)
        sys.exit(99)
    return p


def page(name):
    p = os.path.join(top_builddir, "man", name)
    if not os.path.isfile(p):
        print("coverage: %s is not generated (make)" % p)
        sys.exit(99)
    with open(p, encoding="utf-8") as f:
        return p, f.read()


def roff_text(line):
    """the words of one roff line: macro names dropped, quotes, fonts and \\- undone"""
    if line.startswith(".") or line.startswith("'"):
        parts = line.split(None, 1)
        line = parts[1] if len(parts) > 1 else ""
    line = re.sub(r"\\f[BIRP]|\\f\(..|\\&|\\c", "", line)
    line = line.replace("\\-", "-").replace("\\(em", "-").replace('"', " ")
    return line


def sections(src, macro):
    """{heading: body} of the .SH or .SS sections of a page"""
    out, cur = {}, None
    for line in src.splitlines():
        if line.startswith(macro + " "):
            cur = roff_text(line).strip()
            out[cur] = []
        elif line.startswith(".SH ") or (macro == ".SS" and line.startswith(".SS ")):
            cur = None
        elif cur is not None:
            out[cur].append(line)
    return {k: "\n".join(v) for k, v in out.items()}


def tags(src):
    """the tokens of every tag of a tagged paragraph (the line after .TP)"""
    lines = src.splitlines()
    toks = set()
    for i, line in enumerate(lines[:-1]):
        if line.strip() == ".TP":
            toks.update(t for t in re.split(r"[\s,|]+", roff_text(lines[i + 1])) if t)
    return toks


def words(src):
    """the page's text as one line of words"""
    return " " + " ".join(" ".join(roff_text(l) for l in src.splitlines()).split()) + " "


def options(text):
    """-x and --long options of a synopsis; a group such as -fdnV gives -f -d -n -V"""
    opts = set()
    for tok in re.findall(r"(?<![\w-])(--?[A-Za-z][\w-]*)", text):
        if tok.startswith("--") or len(tok) == 2:
            opts.add(tok)
        else:
            opts.update("-" + c for c in tok[1:])
    return opts


def usage_of(program, flag, manpage):
    """the usage the built program prints, the path and the source of its page"""
    rc, usage = run([prog(program), flag])
    if rc != 0:
        fail("%s %s: exit %d" % (program, flag, rc))
    return (usage,) + page(manpage)


# --- postsalectl --------------------------------------------------------------------
usage, path, src = usage_of("ctl/postsalectl", "--help", "postsalectl.1")
subs = sections(src, ".SS")
commands = {}       # name -> synopsis text
cur = None
for line in usage.splitlines():
    m = re.match(r"  postsalectl (\S+)(.*)", line)
    if m:
        cur = m.group(1)
        commands.setdefault(cur, "")
        commands[cur] += " " + re.split(r"\s{2,}", m.group(1) + m.group(2))[0]
    elif cur and re.match(r"\s+[\[-]", line):
        commands[cur] += " " + re.split(r"\s{2,}", line.strip())[0]
    else:
        cur = None
if len(commands) < 5:
    fail("postsalectl --help lists %d commands: the parser of this test is out of step" % len(commands))
for cmd, syn in sorted(commands.items()):
    if cmd not in subs:
        fail("%s: command '%s' has no section '.SS %s'" % (path, cmd, cmd))
        continue
    body = subs[cmd]
    btags, bwords = tags(body), words(body)
    for opt in sorted(options(syn)):
        if opt not in btags and (" " + opt + " ") not in bwords:
            fail("%s: option '%s' of '%s' is not documented in its section" % (path, opt, cmd))
    for w in re.findall(r"(?<![\w.-])([a-z][a-z-]*)(?![\w.-])", syn):
        if w != cmd and (" %s %s " % (cmd, w)) not in bwords:
            fail("%s: subcommand '%s %s' is not documented in its section" % (path, cmd, w))
glob = " ".join(l for l in usage.splitlines() if re.match(r"(usage:)?\s*postsalectl [\[-]", l))
top = sections(src, ".SH").get("OPTIONS", "")
for opt in sorted(options(glob)):
    if opt not in tags(top):
        fail("%s: global option '%s' has no tagged paragraph in OPTIONS" % (path, opt))

# --- postsale-mailer ----------------------------------------------------------------
usage, path, src = usage_of("mailer/postsale-mailer", "--help", "postsale-mailer.8")
mtags = tags(src)
syn = [l for l in usage.splitlines() if re.match(r"(usage:)?\s*postsale-mailer ", l)]
cmds = set()
for l in syn:
    rest = re.sub(r"\[[^\]]*\]", " ", l.split("postsale-mailer", 1)[1]).split()
    cmds.update(w for w in rest if re.fullmatch(r"[a-z]+", w))
if not cmds:
    fail("postsale-mailer --help: no command found: the parser of this test is out of step")
for cmd in sorted(cmds):
    if cmd not in mtags:
        fail("%s: command '%s' has no tagged paragraph" % (path, cmd))
for opt in sorted(options(" ".join(syn))):
    if opt not in mtags:
        fail("%s: option '%s' has no tagged paragraph" % (path, opt))

# --- postsale-milter ----------------------------------------------------------------
usage, path, src = usage_of("milter/postsale-milter", "-h", "postsale-milter.8")
opts = options(usage)
if len(opts) < 5:
    fail("postsale-milter -h lists %d options: the parser of this test is out of step" % len(opts))
for opt in sorted(opts | {"-h"}):
    if opt not in tags(src):
        fail("%s: option '%s' has no tagged paragraph" % (path, opt))

# --- postsale-web -------------------------------------------------------------------
usage, path, src = usage_of("web/postsale-web", "-h", "postsale-web.8")
wopts = options(usage)
if len(wopts) < 5:
    fail("postsale-web -h lists %d options: the parser of this test is out of step" % len(wopts))
for opt in sorted(wopts):
    if opt not in tags(src):
        fail("%s: option '%s' has no tagged paragraph" % (path, opt))

# --- postsale.conf(5) against the key table -----------------------------------------
dump = prog("tests/man/conf_defaults")
p = subprocess.run([dump], capture_output=True, text=True, check=True)
table = dict(l.split("\t", 1) for l in p.stdout.splitlines())
path, src = page("postsale.conf.5")
lines = src.splitlines()
documented = {}
for i, line in enumerate(lines[:-1]):
    if line.strip() != ".TP" or not re.match(r"\.B \S+$", lines[i + 1]):
        continue
    key = roff_text(lines[i + 1]).strip()
    body = []
    for l in lines[i + 2:]:
        if l.startswith((".TP", ".SH", ".SS")):
            break
        body.append(l)
    default = None
    for j, l in enumerate(body):
        m = re.search(r"Default:(.*)$", l)
        if not m:
            continue
        rest = m.group(1).strip()
        if rest.startswith("empty"):
            default = ""
        elif rest:
            default = rest.rstrip(".")
        elif j + 1 < len(body):
            nxt = body[j + 1]
            m2 = re.match(r'\.BR? "([^"]*)"', nxt) or re.match(r"\.BR? (\S+)", nxt)
            if m2:
                default = m2.group(1).replace("\\-", "-")
                if default == "empty":
                    default = ""
        break
    documented[key] = default
for key, want in table.items():
    if key not in documented:
        fail("%s: key '%s' is not documented (.TP / .B %s), default %r" % (path, key, key, want))
    elif documented[key] is None:
        fail("%s: key '%s' has no 'Default:' (the table says %r)" % (path, key, want))
    elif documented[key] != want:
        fail("%s: key '%s': the page says the default is %r, the table %r" %
             (path, key, documented[key], want))

# --- every page formats cleanly, every @variable@ substituted -----------------------
pages = ["postsalectl.1", "postsale.conf.5", "postsale-milter.8", "postsale-mailer.8",
         "postsale-web.8"]
for name in pages:
    path, src = page(name)
    left = re.findall(r"@[a-zA-Z_]+@", src)
    if left:
        fail("%s: not substituted: %s" % (path, " ".join(sorted(set(left)))))
    if "SEE ALSO" not in sections(src, ".SH"):
        fail("%s: no SEE ALSO" % path)
    else:
        see = words(sections(src, ".SH")["SEE ALSO"])
        for other in pages:
            if other != name:
                ref = "%s (%s)" % tuple(other.rsplit(".", 1))
                if ref not in see:
                    fail("%s: SEE ALSO lacks %s" % (path, ref))
    p = subprocess.run(["groff", "-man", "-ww", "-z", path], capture_output=True, text=True)
    if p.returncode != 0 or p.stderr.strip():
        fail("%s: groff -ww: %s" % (path, p.stderr.strip()[:500]))
    if shutil.which("man"):
        env = dict(os.environ, MANWIDTH="80", LC_ALL="C.UTF-8")
        p = subprocess.run(["man", "--warnings", "-l", path], capture_output=True, text=True,
                           env=env)
        if p.returncode != 0 or p.stderr.strip():
            fail("%s: man --warnings: %s" % (path, p.stderr.strip()[:500]))
    else:
        print("coverage: man(1) absent, %s checked with groff only" % path)

print("coverage: %d commands of postsalectl, %d of postsale-mailer, %d milter options, %d keys"
      % (len(commands), len(cmds), len(opts), len(table)))
if fails:
    print("coverage: %d failures" % len(fails))
    sys.exit(1)
print("coverage: all man pages agree with the programs and the key table")
sys.exit(0)
