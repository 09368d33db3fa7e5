#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the seed corpora of the fuzz targets into tests/fuzz/corpus/.

The seeds are committed; this script is how they were made, and makes them
again (byte for byte) after a change here. Inputs that the fuzzer found
(found-*, named after the bug they show) are kept in the same folders and
are not touched here. Usage: tests/fuzz/make-corpus.py
"""

import base64
import json
import os
import quopri

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, 'corpus')


def write(target, name, data):
    os.makedirs(os.path.join(CORPUS, target), exist_ok=True)
    if isinstance(data, str):
        data = data.encode('utf-8')
    with open(os.path.join(CORPUS, target, name), 'wb') as f:
        f.write(data)


def crlf(text):
    return text.replace('\n', '\r\n')


MIME_NAMES = {'iso-2022-jp': 'ISO-2022-JP', 'shift_jis': 'Shift_JIS', 'euc_jp': 'EUC-JP',
              'utf-8': 'UTF-8'}


def b_word(text, codec):
    data = text.encode(codec)
    return '=?%s?B?%s?=' % (MIME_NAMES[codec], base64.b64encode(data).decode('ascii'))


RECEIVED = ('Received: from mx1.shop.example (mx1.shop.example [192.0.2.10])\n'
            '\tby mx.example.com (Postfix) with ESMTPS id 4F2A1C0123\n'
            '\tfor <demo@example.com>; Mon, 8 Jun 2026 10:12:44 +0900 (JST)\n'
            'Received: from [10.0.0.5] by mx1.shop.example; Mon, 8 Jun 2026 01:12:40 +0000\n')


def iso_2022_jp():
    body = ('今週末だけのセールです。\n全品30%オフ。\n\n配信停止はこちら: https://shop.example/unsub\n')
    return (RECEIVED.encode() +
            ('From: %s <news@shop.example>\n'
             'To: demo@example.com\n'
             'Subject: %s %s\n'
             'Date: Mon, 8 Jun 2026 10:12:30 +0900\n'
             'Message-ID: <20260608101230.1@shop.example>\n'
             'MIME-Version: 1.0\n'
             'Content-Type: text/plain; charset=ISO-2022-JP\n'
             'Content-Transfer-Encoding: 7bit\n\n'
             % (b_word('ショップ', 'iso-2022-jp'), b_word('週末限定', 'iso-2022-jp'),
                b_word('セールのお知らせ', 'iso-2022-jp'))).encode() +
            body.encode('iso-2022-jp'))


def shift_jis():
    return (crlf('Received: from mail.forum.example by mx.example.com; '
                 'Sun, 7 Jun 2026 19:04:05 +0900\n'
                 'From: ' + b_word('フォーラム', 'shift_jis') + ' <notify@forum.example>\n'
                 'To: demo@example.com\n'
                 'Subject: ' + b_word('新着', 'shift_jis') + ' =?shift_jis?Q?=82=A0=82=E8?=\n'
                 'Date: Sun, 7 Jun 2026 19:04:00 +0900\n'
                 'MIME-Version: 1.0\n'
                 'Content-Type: text/plain; charset=Shift_JIS\n'
                 'Content-Transfer-Encoding: 8bit\n\n').encode() +
            crlf('新しい返信があります。\n表示: http://forum.example/t/42\n').encode('shift_jis'))


def euc_jp_html():
    html = ('<html><head><title>お知らせ</title><style>p{color:red}</style></head><body>'
            '<p>こんにちは &amp; ようこそ&nbsp;&#x263A;</p><img src="http://t.example/p.gif" alt="">'
            '<a href="https://examp1e-bank.example/login">ログイン</a><br>'
            '<table background="https://cdn.example/bg.png"><tr><td>セール</td></tr></table>'
            '<script>location="http://evil.example"</script><!-- 隠し --></body></html>\n')
    qp = quopri.encodestring(html.encode('euc_jp')).decode('ascii')
    return crlf('Received: from bulk.example by mx.example.com; Sat, 6 Jun 2026 08:00:00 +0000\n'
                'From: "Bulk" <bulk@bulk.example>\n'
                'To: demo@example.com\n'
                'Subject: ' + b_word('お知らせ', 'euc_jp') + '\n'
                'Date: Sat, 6 Jun 2026 17:00:00 +0900\n'
                'MIME-Version: 1.0\n'
                'Content-Type: multipart/alternative; boundary="alt-1"\n\n'
                '--alt-1\n'
                'Content-Type: text/html; charset=EUC-JP\n'
                'Content-Transfer-Encoding: quoted-printable\n\n' + qp + '\n'
                '--alt-1--\n')


def deep_multipart(depth=40):
    head = ('Received: by mx.example.com; Fri, 5 Jun 2026 12:00:00 +0000\n'
            'From: deep@nest.example\nSubject: deep\nMIME-Version: 1.0\n'
            'Content-Type: multipart/mixed; boundary="b0"\n\n')
    out = [head]
    for i in range(1, depth):
        out.append('--b%d\nContent-Type: multipart/mixed; boundary="b%d"\n\n' % (i - 1, i))
    out.append('--b%d\nContent-Type: text/plain\n\ninnermost\n' % (depth - 1))
    for i in reversed(range(depth)):
        out.append('--b%d--\n' % i)
    return ''.join(out)


def long_lines():
    return crlf('Received: by mx.example.com; Thu, 4 Jun 2026 09:00:00 +0000\n'
                'From: long@lines.example\nSubject: ' + 'L' * 1100 + '\n'
                'Content-Type: text/html; charset=utf-8\n\n'
                '<p>' + 'あ' * 400 + '</p>' + 'x' * 1200 + '\nend\n')


def nul_bytes():
    return (b'Received: by mx.example.com; Wed, 3 Jun 2026 09:00:00 +0000\r\n'
            b'From: nul@bytes.example\r\nSubject: nul\r\n'
            b'Content-Type: text/plain; charset=utf-8\r\n\r\n'
            b'before\x00after\r\nlone\rCR\r\n\x00\x00\xff\xfe\r\n')


def truncated_boundary():
    attachment = base64.b64encode(bytes(range(256)) * 2).decode('ascii')
    text = crlf('Received: by mx.example.com; Tue, 2 Jun 2026 09:00:00 +0000\n'
                'From: cut@off.example\nSubject: =?UTF-8?B?44OG44K544OI?=\n'
                'MIME-Version: 1.0\n'
                'Content-Type: multipart/mixed; boundary="never-closed"\n\n'
                '--never-closed\nContent-Type: text/plain; charset=utf-8\n\nhello\n'
                '--never-closed\nContent-Type: application/pdf; name="invoice.pdf"\n'
                'Content-Disposition: attachment; filename="invoice.pdf"\n'
                'Content-Transfer-Encoding: base64\n\n' + attachment[:300] + '\n'
                '--never-clo')
    return text


def huge_header():
    to = ', '.join('user%02d@example.com' % i for i in range(60))
    subject = ' '.join(b_word('とても長い件名', 'utf-8') for _ in range(30))
    return crlf('Received: by mx.example.com; Mon, 1 Jun 2026 09:00:00 +0000\n'
                'From: many@recipients.example\nTo: ' + to + '\n'
                'Subject: ' + subject + '\n'
                'X-Folded: a\n ' + '\n '.join('fold%d' % i for i in range(80)) + '\n\nbody\n')


def rfc822_inside():
    inner = crlf('From: inner@example.net\nSubject: inner\n'
                 'Date: Sun, 31 May 2026 09:00:00 +0000\n\n'
                 'inner body\n')
    return crlf('Received: by mx.example.com; Sun, 31 May 2026 10:00:00 +0000\n'
                'From: =?UTF-8?B?QWxpY2Ug4oCuIGV2aWw=?= <alice@example.org>\n'
                'Reply-To: <reply@example.org>\nCc: "Bob" <bob@example.org>\n'
                'Subject: Fwd: =?UTF-8?B?YWI=?= =?UTF-8?B?44Oh44O844Or?=\n'
                'MIME-Version: 1.0\n'
                'Content-Type: multipart/mixed; boundary="outer"\n\n'
                '--outer\nContent-Type: text/plain\n\nsee attached\n'
                '--outer\nContent-Type: message/rfc822\n\n') + inner + crlf(
                '\n--outer\nContent-Type: application/octet-stream\n'
                "Content-Disposition: attachment; filename*=UTF-8''%E8%AB%8B%E6%B1%82%E6%9B%B8"
                '%E2%80%AEfdp.exe\n\nMZ\n'
                '--outer--\n')


def date_only():
    return crlf('From: sender@example.org\nSubject: no Received\n'
                'Date: 31 May 26 23:59 JST\n\nbody\n')


def calendar_edges():
    # Near, not at, the ends of the calendar: the fuzzer takes the last step.
    return {
        'late-calendar.eml': crlf('Received: from a by mx.example.com;'
                                  ' Fri, 24 Dec 9999 12:00:00 +0000\n'
                                  'From: late@example.org\nSubject: late\n\nbody\n'),
        'early-calendar.eml': crlf('From: early@example.org\nSubject: early\n'
                                   'Date: Tue, 2 Jan 0001 12:00:00 +0000\n\nbody\n'),
    }


def format_rules():
    return {
        'mbox.eml': 'From sender@example.org Mon Jun  8 10:00:00 2026\nFrom: a@b\n\nx\n',
        'zip.bin': b'PK\x03\x04\x14\x00\x00\x00\x08\x00' + b'\x00' * 20,
        'outlook.msg': b'\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1' + b'\x00' * 24,
        'headers-only.eml': 'From: a@example.org\nSubject: nothing\n\n\n',
        'not-a-header.eml': 'Hello,\nthis is not a message.\n',
    }


MAIL = {
    'iso-2022-jp.eml': iso_2022_jp,
    'shift-jis.eml': shift_jis,
    'euc-jp-html.eml': euc_jp_html,
    'deep-multipart.eml': deep_multipart,
    'long-lines.eml': long_lines,
    'nul-bytes.eml': nul_bytes,
    'truncated-boundary.eml': truncated_boundary,
    'huge-header.eml': huge_header,
    'rfc822-inside.eml': rfc822_inside,
    'date-only.eml': date_only,
}


def mail_corpora():
    for name, make in MAIL.items():
        write('sample', name, make())
        write('preview', name, make())
    for name, data in list(format_rules().items()) + list(calendar_edges().items()):
        write('sample', name, data)
    write('preview', 'html-entities.html',
          '<p>a&lt;b&gt; &quot;q&quot; &copy; &#65; &#x41; &#99999999; &bogus; '
          '<a href=mailto:x@y>m</a> <a href="javascript:x()">j</a> <link href="http://c/s.css">'
          '<li>one<li>two</p><template>t</template><noscript>n</noscript>')


def receipt_date_corpus():
    values = {
        'received-jst': ('from mx1.shop.example by mx.example.com;'
                         ' Mon, 8 Jun 2026 10:12:44 +0900 (JST)'),
        'received-no-weekday': 'by mx.example.com with ESMTP id x; 8 Jun 2026 01:12:44 -0000',
        'received-two-digit-year': 'from a by b; Mon, 8 Jun 26 10:12 JST',
        'received-comments': ('from a (b [192.0.2.1]) by c;'
                              ' Mon (day), 8 (d) Jun 2026 10:12:44 +0900'),
        'received-no-date': 'from a by b with SMTP id 42',
        'received-semicolons': 'from a; by b; ; Tue, 9 Jun 2026 ;',
        'date-obsolete': 'Tuesday, 09-Jun-26 01:02:03 GMT',
        'date-out-of-range': 'Mon, 31 Feb 2026 25:61:61 +9999',
        'date-asctime': 'Mon Jun  8 10:12:44 2026',
        'date-late-calendar': 'Fri, 24 Dec 9999 12:00:00 +0000',
    }
    for name, value in values.items():
        write('receipt-date', name, value)
    write('receipt-date', 'message-received-first.eml',
          RECEIVED + 'Date: Mon, 8 Jun 2026 10:12:30 +0900\n'
          'From: a@example.org\n\nbody\n')
    write('receipt-date', 'message-date-only.eml', date_only())
    write('receipt-date', 'message-received-undated.eml',
          crlf('Received: from a by b\nReceived: from c by d; Mon, 8 Jun 2026 10:00:00 +0000\n'
               'Date: Sun, 7 Jun 2026 10:00:00 +0000\n\nbody\n'))


ITEM = {
    'id': '1042', 'folder': 'quarantine', 'status': 'held',
    'received_at': '2026-06-07T10:12:44Z',
    'envelope_sender': 'bounce-4471@mailer.shop.example',
    'from': 'Example Shop <news@shop.example>', 'from_name': 'Example Shop',
    'from_address': 'news@shop.example', 'recipient': 'demo@example.com',
    'subject': 'Summer sale: 30% off everything', 'size': 48213,
    'reason': 'graymail', 'category': 'marketing',
    'policy_rule': 'Graymail: marketing and newsletters', 'score': 4.2,
    'rules': ['GRAYMAIL_MARKETING_IP', 'HAS_LIST_UNSUB'],
    'expires_at': '2026-07-07T10:12:44Z',
    'actions': ['release', 'delete', 'block-sender', 'approve-sender'],
}


def api_json_corpus():
    phishing = dict(ITEM, id='2001', reason='phishing', category=None, subject='パスワードの確認',
                    actions=['request-release', 'delete', 'block-sender'])
    junk = dict(ITEM, id='3001', folder='junk', reason='spam', category=None,
                received_at='2026-06-07T19:00:00+09:00', actions=['move-to-inbox', 'teleport', 7])
    docs = {
        'info.json': {
            'api_version': 1, 'gateway_name': 'Example Mail Gateway', 'gateway_version': '0.1.0',
            'session_ttl_seconds': 3600,
            'submission': {'address': 'spam-submissions@gateway.example',
                           'max_message_bytes': 2000000, 'max_sample_age_days': 5,
                           'formats': ['message/rfc822'], 'compressed': False,
                           'smtp': {'host': '127.0.0.1', 'port': 2525, 'security': 'none'}},
            'limits': {'max_batch_ids': 1000, 'max_page_size': 500, 'max_request_bytes': 1048576,
                       'max_classify_bytes': 10485760, 'max_sender_list': 1000},
            'folders': ['quarantine', 'junk'],
            'reasons': ['graymail', 'spam', 'phishing', 'malware', 'policy'],
            'categories': ['marketing', 'social', 'forum', 'bulk']},
        'info-odd-limits.json': {'api_version': 1, 'submission': {'max_message_bytes': 1023.5,
                                                                  'smtp': None},
                                 'limits': {'max_batch_ids': -1, 'max_page_size': 0}},
        'page.json': {'items': [ITEM, phishing, junk], 'next_cursor': 'eyJ2IjoxfQ', 'total': 1342},
        'page-last.json': {'items': [], 'next_cursor': None, 'total': 0},
        'page-bad-item.json': {'items': [ITEM, {'id': '', 'folder': 'inbox'}, 'x'], 'total': '3'},
        'item.json': ITEM,
        'error-401.json': {'error': {'code': 'session_expired',
                                     'message': 'The session has expired.'}},
        'error-429.json': {'error': {'code': 'rate_limited', 'message': 'Too many attempts.',
                                     'retry_after': 299}},
        'error-400.json': {'error': {'code': 'invalid_parameter', 'parameter': 'since',
                                     'message': '“since” is not a date and time: “yesterday”.'}},
        'error-503.json': {'error': {'code': 'classifier_unavailable',
                                     'message': 'rspamd is down'}},
        'batch.json': {'results': [{'id': '1042', 'ok': True, 'result': 'released'},
                                   {'id': '1043', 'ok': True, 'result': 'already_released'},
                                   {'id': '9999', 'ok': False,
                                    'error': {'code': 'not_found', 'message': 'No such message.'}}],
                       'succeeded': 2, 'failed': 1},
        'verdict.json': {'classified_as_spam': True, 'verdict': 'spam', 'score': 15.3,
                         'threshold': 6.0, 'reported': True,
                         'rules': [{'name': 'GTUBE', 'score': 0, 'description': 'GTUBE test'},
                                   {'name': 'MISSING_DATE', 'score': 1.0, 'description': None}]},
    }
    for name, doc in docs.items():
        write('api-json', name, json.dumps(doc, ensure_ascii=False, indent=1) + '\n')
    write('api-json', 'not-json.html', '<html><body>502 Bad Gateway</body></html>\n')


def smtp_corpus():
    lines = {
        'ehlo': 'EHLO client.example',
        'helo-literal': 'HELO [127.0.0.1]',
        'mail-params': 'MAIL FROM:<alice@example.org> SIZE=48213 BODY=8BITMIME',
        'mail-null': 'MAIL FROM:<>',
        'mail-space': 'mail from: <bob@example.org>  body=7bit  ',
        'mail-huge-size': 'MAIL FROM:<a@b.example> SIZE=99999999999999999999',
        'rcpt-route': 'RCPT TO:<@relay1.example,@relay2.example:carol@example.com>',
        'rcpt-quoted': 'RCPT TO:<"odd \\"local\\" part"@example.com>',
        'rcpt-long': 'RCPT TO:<' + 'x' * 240 + '@example.com>',
        'auth': 'AUTH PLAIN AGFsaWNlAHNlY3JldA==',
        'data': 'DATA',
        'quit': 'QUIT',
        'vrfy': 'VRFY postmaster',
        'starttls': 'STARTTLS',
        'control': 'NOOP \x00\x1b[31m',
    }
    for name, line in lines.items():
        write('smtp-command', name, line)


def imap_utf7_corpus():
    names = {
        'ascii': 'INBOX/Junk E-mail',
        'japanese': '&j,dg0TDhMPww6w-',
        'ampersand': 'Tom &- Jerry',
        'surrogates': '&2DTdHg- clef',
        'mixed': '~peter/mail/&U,BTFw-/&ZeVnLIqe-',
        'unterminated': '&j,dg0T',
        'lone-surrogate': '&2DQ-',
        'utf8-name': '迷惑メール',
    }
    for name, text in names.items():
        write('imap-utf7', name, text)


def pmg_json_corpus():
    """Answers of PMG's quarantine API (specs/pmg-quarantine-api.md), report
    links and tickets."""
    entry = {"id": "C12R3456T1796600000", "time": 1796600000, "bytes": 20481,
             "from": "\"Shop\" <news@shop.example>", "sender": "bounce@shop.example",
             "envelope_sender": "bounce@shop.example", "receiver": "demo@example.com",
             "subject": "週末限定セール", "spamlevel": 7,
             "spaminfo": [{"name": "BAYES_99", "score": 3.5, "desc": "Bayes spam probability"},
                          {"name": "URIBL_BLOCKED", "score": 0.001, "desc": "ADMINISTRATOR"}]}
    pmg8 = dict(entry, id="C1R2T3")
    pmg9 = dict(entry, **{"score-positive": 9.5, "score-negative": -1.25})
    del pmg9["spamlevel"]
    write('pmg-json', 'spam-list', json.dumps({"data": [entry, pmg8, pmg9]}))
    write('pmg-json', 'one-mail', json.dumps({"data": entry}))
    write('pmg-json', 'bad-entries', json.dumps(
        {"data": [{"id": "C1R2", "time": 1}, {"id": "C1R2T3"}, {"time": "soon"}, 7, None,
                  {"id": "C" + "9" * 70 + "R1T1", "time": 1}]}))
    write('pmg-json', 'error', json.dumps(
        {"data": None, "message": "permission denied - invalid PVE ticket\n",
         "errors": {"id": "value does not match the regex pattern"}}))
    write('pmg-json', 'link',
          'https://pmg.example.com:8006/quarantine?ticket=PMGQUAR%3Ademo%40example.com'
          '%3A6B2E3A80%3A%3AQ2hhbGxlbmdl&cselect=C12R3456T1796600000&action=deliver')
    write('pmg-json', 'link-twice-encoded',
          'https://pmg.example.com/quarantine?ticket=PMGQUAR%253Ademo%2540example.com'
          '%253A6B2E3A80%253A%253AQ2hh')
    write('pmg-json', 'ticket', 'PMGQUAR:demo@example.com:6B2E3A80::c2lnbmF0dXJl')
    write('pmg-json', 'fingerprint',
          'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:'
          'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89')


def cloud_json_corpus():
    """Answers of the cloud Email Quarantine API
    (specs/symantec-email-quarantine-api.md), its unknowns included."""
    mail = {"id": "5f1e2d3c-aaaa-bbbb-cccc-0123456789ab",
            "metadata": {"email_date_received": 1796600000000,
                         "quarantine_info": {"rules": ["Newsletter"], "direction": "inbound",
                                             "quarantine_type": "NEWSLETTER"},
                         "email_is_viewed": False, "email_is_released": False,
                         "quarantine_reason": "newsletter", "service_type": "ess",
                         "email_sender": "Shop <news@shop.example>",
                         "email_envelope_sender": "bounce@shop.example",
                         "email_subject": "Weekly deals", "email_size": 20481,
                         "email_envelope_recipient": "demo@example.com",
                         "master_recipient": "demo@example.com", "user_id": 42},
            "actions": {"preview_message": True, "release_message": True,
                        "delete_message": True}}
    as_strings = json.loads(json.dumps(mail))
    as_strings["id"] = 12345
    as_strings["metadata"]["email_date_received"] = "1796600000000"
    as_strings["metadata"]["email_size"] = "20481"
    as_strings["metadata"]["quarantine_info"]["quarantine_type"] = "SOMETHING_NEW"
    write('cloud-json', 'mail-list', json.dumps(
        {"mail_list": [mail, as_strings, {"metadata": {}}, {"id": ""}, None],
         "end": 2, "total": "3"}))
    write('cloud-json', 'preview', json.dumps(
        {"details": {"subject": "Weekly deals", "from": "Shop <news@shop.example>",
                     "to": ["demo@example.com"], "date": 1796600000000,
                     "body": "<p>Hello <img src=https://track.example/p.gif></p>",
                     "attachments": [{"name": "invoice.pdf.exe", "size": 1200},
                                     {"name": None}]}}))
    write('cloud-json', 'senders', json.dumps(
        {"items": [{"id": 1, "value": "news@shop.example", "date_created": 1796600000000},
                   {"id": "2", "value": "*@bulk.example"}, {"value": ""}, "x"],
         "total": 2}))
    write('cloud-json', 'error', json.dumps(
        {"error": "invalid_request", "message": "page_size is at most 1000"}))
    write('cloud-json', 'bare-list', json.dumps([mail]))


if __name__ == '__main__':
    mail_corpora()
    receipt_date_corpus()
    api_json_corpus()
    smtp_corpus()
    imap_utf7_corpus()
    pmg_json_corpus()
    cloud_json_corpus()
