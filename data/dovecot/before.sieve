# before.sieve — where mail from the stack's rspamd and qd-gateway is filed.
#
# SPDX-License-Identifier: GPL-3.0-or-later
require ["fileinto", "mailbox", "duplicate"];

# A release that qd-gateway sent again (it was stopped after Postfix had
# accepted the first copy and before it noted so) is delivered once.
if duplicate :header "X-QD-Release-Id" {
  discard;
  stop;
}

# Released mail goes to INBOX whatever it says about itself: the person chose it.
if exists "X-QD-Release-Id" {
  keep;
  stop;
}

# Graymail under the "junk" policy and spam under the reject score (Postfix
# removed these headers from what senders wrote; rspamd's are real).
if anyof (exists "X-QD-Graymail", header :is "X-Spam" "Yes") {
  fileinto :create "Junk";
  stop;
}
