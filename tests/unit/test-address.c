/* test-address.c — addresses as shown: look-alike domains unmasked; loopback hosts told apart
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

/* Only this computer counts as loopback: its addresses, "localhost" in any case. */
static void
test_address_is_loopback (void)
{
  const char *loopback[] = { "127.0.0.1", "127.0.0.53", "127.255.255.254", "::1",
                             "0:0:0:0:0:0:0:1", "localhost", "LOCALHOST", "LocalHost" };
  const char *other[] = { "10.0.0.1", "192.168.1.1", "0.0.0.0", "128.0.0.1", "::", "::2",
                          "fe80::1", "2001:db8::1", "mail.example.com", "localhost.example.com",
                          "mylocalhost", "localhost.", "[::1]", "127.0.0.1.example", "" };

  for (gsize i = 0; i < G_N_ELEMENTS (loopback); i++)
    g_assert_true (qd_address_is_loopback (loopback[i]));
  for (gsize i = 0; i < G_N_ELEMENTS (other); i++)
    g_assert_false (qd_address_is_loopback (other[i]));
}

static void
test_address_join_host_port (void)
{
  g_autofree char *name = qd_address_join_host_port ("imap.example.com", 993);
  g_autofree char *v4 = qd_address_join_host_port ("127.0.0.1", 143);
  g_autofree char *v6 = qd_address_join_host_port ("::1", 143);

  g_assert_cmpstr (name, ==, "imap.example.com:993");
  g_assert_cmpstr (v4, ==, "127.0.0.1:143");
  g_assert_cmpstr (v6, ==, "[::1]:143");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/address/for-display", test_address_for_display);
  g_test_add_func ("/address/is-loopback", test_address_is_loopback);
  g_test_add_func ("/address/join-host-port", test_address_join_host_port);

  return g_test_run ();
}
