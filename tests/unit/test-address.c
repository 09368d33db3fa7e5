/* test-address.c — addresses as shown: look-alike domains unmasked
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "qd-core.h"

/* A look-alike domain shows the name DNS resolves; a plain one is left be. */
static void
test_address_for_display (void)
{
  g_autofree char *cyrillic = qd_address_for_display ("billing@p\xd0\xb0ypal.com");
  g_autofree char *plain = qd_address_for_display ("billing@paypal.com");
  g_autofree char *japanese = qd_address_for_display ("info@\xe4\xbe\x8b\xe3\x81\x88.jp");
  g_autofree char *hidden = qd_address_for_display ("a\xe2\x80\xae" "moc.evil@x.example");

  g_assert_cmpstr (cyrillic, ==, "billing@p\xd0\xb0ypal.com (xn--pypal-4ve.com)");
  g_assert_cmpstr (plain, ==, "billing@paypal.com");
  g_assert_cmpstr (japanese, ==, "info@\xe4\xbe\x8b\xe3\x81\x88.jp (xn--r8jz45g.jp)");
  g_assert_cmpstr (hidden, ==, "a[U+202E]moc.evil@x.example");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/address/for-display", test_address_for_display);

  return g_test_run ();
}
