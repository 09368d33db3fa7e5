#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Keeps the translations in po/ in step with the sources.

Fails (exit 1) when, for every language in po/LINGUAS:
  (a) the .po file has untranslated or fuzzy entries;
  (b) msgfmt --check rejects it (format strings, plural forms, header, syntax);
  (c) a translatable string of the sources (regenerated here with xgettext from
      po/POTFILES.in, with the same arguments as meson's i18n.gettext(preset: 'glib'))
      is missing from the .po file: the template is out of date;
and, once,
  (d) a file under src/app, src/core, src/cli, data/ui or data/gtk (or one of the
      desktop, metainfo and GSettings files in data/) has translatable strings but is
      not listed in po/POTFILES.in, or POTFILES.in lists a file that does not exist.

Entries in the .po file whose msgid is gone from the sources are only a warning
(they do no harm at run time; the next update-po marks them obsolete).
src/gateway/ is left out on purpose: the reference gateway's messages are for
administrators and stay English; marked strings there are reported as a note.

Exit status 77 (skipped) when xgettext or msgfmt is not installed.
"""

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

DOMAIN = 'quarantine-desk'

# The same arguments meson's i18n module passes for preset: 'glib'
# (mesonbuild/modules/i18n.py) plus the '-k_' its gettext script adds.
XGETTEXT_ARGS = [
    '--package-name=' + DOMAIN,
    '-k_',
    '--from-code=UTF-8',
    '--add-comments',
    '--keyword=_',
    '--keyword=N_',
    '--keyword=C_:1c,2',
    '--keyword=NC_:1c,2',
    '--keyword=g_dcgettext:2',
    '--keyword=g_dngettext:2,3',
    '--keyword=g_dpgettext2:2c,3',
    '--flag=N_:1:pass-c-format',
    '--flag=C_:2:pass-c-format',
    '--flag=NC_:2:pass-c-format',
    '--flag=g_dngettext:2:pass-c-format',
    '--flag=g_strdup_printf:1:c-format',
    '--flag=g_string_printf:2:c-format',
    '--flag=g_string_append_printf:2:c-format',
    '--flag=g_error_new:3:c-format',
    '--flag=g_set_error:4:c-format',
    '--flag=g_markup_printf_escaped:1:c-format',
    '--flag=g_log:3:c-format',
    '--flag=g_print:1:c-format',
    '--flag=g_printerr:1:c-format',
    '--flag=g_printf:1:c-format',
    '--flag=g_fprintf:2:c-format',
    '--flag=g_sprintf:2:c-format',
    '--flag=g_snprintf:3:c-format',
]

# Where translatable strings may live, for check (d).
SCANNED = [
    'src/app/*.c', 'src/app/*.h',
    'src/core/*.c', 'src/core/*.h',
    'src/cli/*.c', 'src/cli/*.h',
    'data/ui/*.ui', 'data/gtk/*.ui',
    'data/*.desktop.in', 'data/*.metainfo.xml.in', 'data/*.gschema.xml.in',
]
NOT_TRANSLATED = ['src/gateway/*.c', 'src/gateway/*.h']


class Entry:
    def __init__(self):
        self.msgctxt = None
        self.msgid = None
        self.msgid_plural = None
        self.msgstr = {}
        self.flags = set()
        self.refs = []
        self.obsolete = False
        self.line = 0

    @property
    def key(self):
        return (self.msgctxt, self.msgid, self.msgid_plural)

    def where(self):
        return ' '.join(self.refs[:3]) + (' …' if len(self.refs) > 3 else '')


_ESCAPES = {'n': '\n', 't': '\t', 'r': '\r', '"': '"', '\\': '\\', 'a': '\a', 'b': '\b',
            'f': '\f', 'v': '\v'}


def _unquote(text, path, lineno):
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError('%s:%d: expected a quoted string' % (path, lineno))
    return re.sub(r'\\(.)', lambda m: _ESCAPES.get(m.group(1), m.group(1)), text[1:-1])


def parse_po(path):
    """A small PO reader: enough for msgids, plurals, contexts, flags and references."""
    entries = []
    entry = Entry()
    field = None

    def finish():
        nonlocal entry, field
        if entry.msgid is not None:
            entries.append(entry)
        entry = Entry()
        field = None

    with open(path, encoding='utf-8') as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.rstrip('\n')
            if not line.strip():
                finish()
                continue
            obsolete = line.startswith('#~')
            if obsolete:
                line = line[2:].lstrip()
                if line.startswith('|'):
                    continue
            elif line.startswith('#'):
                if entry.msgid is not None and field is not None and not field.startswith('msgstr'):
                    pass
                elif entry.msgid is not None:
                    finish()
                if line.startswith('#,'):
                    entry.flags.update(f.strip() for f in line[2:].split(','))
                elif line.startswith('#:'):
                    entry.refs.extend(line[2:].split())
                continue
            m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$', line)
            if m:
                keyword = m.group(1)
                value = _unquote(m.group(3), path, lineno)
                if keyword in ('msgctxt', 'msgid') and field is not None and field.startswith('msgstr'):
                    finish()
                if obsolete:
                    entry.obsolete = True
                if keyword == 'msgctxt':
                    entry.msgctxt = value
                elif keyword == 'msgid':
                    entry.msgid = value
                    entry.line = lineno
                elif keyword == 'msgid_plural':
                    entry.msgid_plural = value
                else:
                    index = int(m.group(2)) if m.group(2) is not None else 0
                    entry.msgstr[index] = value
                field = keyword
            elif line.lstrip().startswith('"') and field is not None:
                value = _unquote(line, path, lineno)
                if field == 'msgctxt':
                    entry.msgctxt += value
                elif field == 'msgid':
                    entry.msgid += value
                elif field == 'msgid_plural':
                    entry.msgid_plural += value
                else:
                    index = int(field[7:-1]) if field != 'msgstr' else 0
                    entry.msgstr[index] = entry.msgstr.get(index, '') + value
            else:
                raise ValueError('%s:%d: cannot parse: %s' % (path, lineno, line))
    finish()
    return entries


def show(entry):
    text = entry.msgid.replace('\n', '\\n')
    if len(text) > 70:
        text = text[:67] + '...'
    context = '[%s] ' % entry.msgctxt if entry.msgctxt else ''
    return '%s"%s"' % (context, text)


def read_potfiles(path):
    files = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith('#') and not line.startswith('['):
                files.append(line)
    return files


def run_xgettext(xgettext, source_root, files, workdir, name):
    listfile = os.path.join(workdir, name + '.list')
    with open(listfile, 'w', encoding='utf-8') as f:
        f.write('\n'.join(files) + '\n')
    output = os.path.join(workdir, name + '.pot')
    proc = subprocess.run([xgettext] + XGETTEXT_ARGS +
                          ['-D', source_root, '-f', listfile, '-o', output],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return proc, output


class Report:
    def __init__(self):
        self.failures = []
        self.warnings = []

    def fail(self, text):
        self.failures.append(text)

    def warn(self, text):
        self.warnings.append(text)


def check_language(lang, args, report, source_keys, pot_entries):
    po = os.path.join(args.source_root, 'po', lang + '.po')
    rel = os.path.relpath(po, args.source_root)
    update = 'meson compile -C %s %s-update-po' % (args.build_hint, DOMAIN)
    if not os.path.exists(po):
        report.fail('%s does not exist (it is in po/LINGUAS).\n  run: %s\n  then translate '
                    'every entry of %s.' % (rel, update, rel))
        return

    # (b) msgfmt --check
    proc = subprocess.run([args.msgfmt, '--check', '--statistics', '-o', os.devnull, po],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    output = (proc.stdout + proc.stderr).strip()
    if proc.returncode != 0:
        report.fail('msgfmt --check rejects %s:\n%s\n  Fix the lines named above (a format '
                    'directive such as %%s, %%u or %%1$s that differs from the msgid, a missing '
                    'msgstr[0], a broken header), then run: msgfmt --check -o /dev/null %s'
                    % (rel, '\n'.join('    ' + l for l in output.splitlines()), rel))

    # (a) untranslated and fuzzy, by msgfmt's count and by entry
    stats = output.splitlines()[-1] if output else ''
    n_fuzzy = int(m.group(1)) if (m := re.search(r'(\d+) fuzzy', stats)) else 0
    n_untranslated = int(m.group(1)) if (m := re.search(r'(\d+) untranslated', stats)) else 0
    try:
        entries = [e for e in parse_po(po) if not e.obsolete]
    except (ValueError, UnicodeDecodeError) as error:
        report.fail('%s cannot be read: %s' % (rel, error))
        return
    messages = [e for e in entries if e.msgid != '']
    fuzzy = [e for e in messages if 'fuzzy' in e.flags]
    untranslated = [e for e in messages if 'fuzzy' not in e.flags and
                    (not e.msgstr or any(v == '' for v in e.msgstr.values()))]
    if fuzzy or untranslated or n_fuzzy or n_untranslated:
        lines = ['  untranslated: %s:%d %s  (%s)' % (rel, e.line, show(e), e.where())
                 for e in untranslated]
        lines += ['  fuzzy:        %s:%d %s  (%s)' % (rel, e.line, show(e), e.where())
                  for e in fuzzy]
        report.fail('%s has %d untranslated and %d fuzzy entries (msgfmt: %s):\n%s\n'
                    '  Translate them in %s; for a fuzzy entry check the translation against '
                    'the new msgid, fix it, and delete its "#, fuzzy" line.'
                    % (rel, max(len(untranslated), n_untranslated), max(len(fuzzy), n_fuzzy),
                       stats or 'no statistics', '\n'.join(lines), rel))

    # (c) the template against the sources
    if source_keys is None:
        return
    po_keys = {e.key for e in messages}
    missing = [e for e in pot_entries if e.key not in po_keys]
    stale = [e for e in messages if e.key not in source_keys]
    if missing:
        lines = ['  %s  (%s)' % (show(e), e.where()) for e in missing]
        report.fail('%d translatable string(s) of the sources are missing from %s; the template '
                    'is out of date:\n%s\n  run: %s\n  then translate the new entries in %s '
                    '(and review the ones msgmerge marked "#, fuzzy").'
                    % (len(missing), rel, '\n'.join(lines), update, rel))
    if stale:
        lines = ['  %s:%d %s' % (rel, e.line, show(e)) for e in stale]
        report.warn('%d entr%s of %s %s no longer in the sources (harmless; run %s to mark '
                    'them obsolete):\n%s'
                    % (len(stale), 'y' if len(stale) == 1 else 'ies', rel,
                       'is' if len(stale) == 1 else 'are', update, '\n'.join(lines)))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--source-root',
                        default=os.environ.get('QD_SOURCE_ROOT', os.path.join(here, '..', '..')))
    parser.add_argument('--build-dir', default=os.environ.get('QD_BUILD_ROOT'),
                        help='only to name it in the instructions')
    parser.add_argument('--xgettext', default=shutil.which('xgettext'))
    parser.add_argument('--msgfmt', default=shutil.which('msgfmt'))
    args = parser.parse_args()
    args.source_root = os.path.abspath(args.source_root)
    # The instructions are for a developer at the top of the source tree.
    args.build_hint = args.build_dir or '_build'
    if args.build_dir:
        rel = os.path.relpath(os.path.abspath(args.build_dir), args.source_root)
        args.build_hint = os.path.abspath(args.build_dir) if rel.startswith('..') else rel

    if not args.xgettext or not args.msgfmt:
        print('SKIP: xgettext and msgfmt (gettext) are needed for this check')
        return 77

    os.chdir(args.source_root)
    report = Report()
    potfiles_path = os.path.join('po', 'POTFILES.in')
    potfiles = read_potfiles(potfiles_path)
    update = 'meson compile -C %s %s-update-po' % (args.build_hint, DOMAIN)

    with tempfile.TemporaryDirectory(prefix='check-po-') as workdir:
        # (d) POTFILES.in is complete and names only existing files
        absent = [f for f in potfiles if not os.path.isfile(f)]
        if absent:
            report.fail('po/POTFILES.in lists file(s) that do not exist:\n%s\n  Remove them from '
                        'po/POTFILES.in (or fix the path), then run: %s'
                        % ('\n'.join('  ' + f for f in absent), update))
        candidates = sorted({f for pattern in SCANNED for f in glob.glob(pattern)})
        proc, scan_pot = run_xgettext(args.xgettext, args.source_root, candidates, workdir, 'scan')
        if proc.returncode != 0:
            report.fail('xgettext could not scan the sources:\n%s' % proc.stderr.strip())
        elif os.path.exists(scan_pot):
            with_strings = {ref.rsplit(':', 1)[0] for e in parse_po(scan_pot) for ref in e.refs}
            unlisted = sorted(with_strings - set(potfiles))
            if unlisted:
                report.fail('file(s) with translatable strings are not in po/POTFILES.in, so '
                            'their strings are never translated:\n%s\n  Add each path to '
                            'po/POTFILES.in (keep it sorted), then run: %s\n  and translate '
                            'the new entries in po/*.po.'
                            % ('\n'.join('  ' + f for f in unlisted), update))
        gateway = sorted({f for pattern in NOT_TRANSLATED for f in glob.glob(pattern)})
        if gateway:
            proc_gw, gw_pot = run_xgettext(args.xgettext, args.source_root, gateway, workdir, 'gw')
            if proc_gw.returncode == 0 and os.path.exists(gw_pot):
                marked = sorted({r.rsplit(':', 1)[0] for e in parse_po(gw_pot) for r in e.refs})
                if marked:
                    report.warn('src/gateway/ marks strings for translation, but the reference '
                                'gateway stays English and is not in POTFILES.in:\n%s'
                                % '\n'.join('  ' + f for f in marked))

        # (c) regenerate the template from POTFILES.in exactly as meson does
        source_keys = None
        pot_entries = []
        present = [f for f in potfiles if os.path.isfile(f)]
        proc, pot = run_xgettext(args.xgettext, args.source_root, present, workdir, DOMAIN)
        if proc.returncode != 0:
            report.fail('xgettext failed on the files of po/POTFILES.in:\n%s'
                        % proc.stderr.strip())
        elif os.path.exists(pot):
            pot_entries = [e for e in parse_po(pot) if e.msgid != '']
            source_keys = {e.key for e in pot_entries}
            for line in proc.stderr.strip().splitlines():
                report.warn('xgettext: ' + line)

        with open(os.path.join('po', 'LINGUAS'), encoding='utf-8') as f:
            langs = [w for line in f if not line.lstrip().startswith('#') for w in line.split()]
        for lang in langs:
            check_language(lang, args, report, source_keys, pot_entries)

    for text in report.warnings:
        print('WARNING: ' + text)
    for text in report.failures:
        print('FAIL: ' + text)
    if report.failures:
        print('\n%d problem(s) with the translations in po/.' % len(report.failures))
        return 1
    print('po/: %s complete, msgfmt --check clean, template in step with %d source files.'
          % (', '.join(l + '.po' for l in langs), len(potfiles)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
