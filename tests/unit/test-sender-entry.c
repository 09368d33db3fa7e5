/* test-sender-entry.c — addresses and whole domains, written as each kind of gateway keeps them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "qd-core.h"

static char *
parse (QdGatewayKind  kind,
       const char    *text)
{
  g_autoptr(GError) error = NULL;
  char *entry = qd_sender_entry_parse (kind, text, &error);

  g_assert_true ((entry == NULL) == (error != NULL));
  if (error != NULL)
    g_assert_error (error, QD_ERROR, QD_ERROR_INVALID_INPUT);
  return entry;
}

/* An address stays one, in lower case, whatever the gateway. */
static void
test_sender_entry_address (void)
{
  QdGatewayKind kinds[] = { QD_GATEWAY_KIND_QD, QD_GATEWAY_KIND_PMG, QD_GATEWAY_KIND_CLOUD };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *plain = parse (kinds[i], "  News@Shop.Example ");
      g_autofree char *tagged = parse (kinds[i], "first.last+tag@mail.shop.example");

      g_assert_cmpstr (plain, ==, "news@shop.example");
      g_assert_cmpstr (tagged, ==, "first.last+tag@mail.shop.example");
    }
}

/* A domain, written any of the usual ways, becomes the gateway's form. */
static void
test_sender_entry_domain (void)
{
  const char *written[] = { "shop.example", "@shop.example", "*@Shop.Example", " @shop.example" };

  for (guint i = 0; i < G_N_ELEMENTS (written); i++)
    {
      g_autofree char *qd = parse (QD_GATEWAY_KIND_QD, written[i]);
      g_autofree char *cloud = parse (QD_GATEWAY_KIND_CLOUD, written[i]);
      g_autofree char *pmg = parse (QD_GATEWAY_KIND_PMG, written[i]);

      g_assert_cmpstr (qd, ==, "@shop.example");
      g_assert_cmpstr (cloud, ==, "@shop.example");
      g_assert_cmpstr (pmg, ==, "*@shop.example");
    }
  g_assert_cmpstr (qd_sender_entry_domain_example (QD_GATEWAY_KIND_QD), ==, "@example.com");
  g_assert_cmpstr (qd_sender_entry_domain_example (QD_GATEWAY_KIND_PMG), ==, "*@example.com");
}

/* Anything else is refused with a sentence naming it and the gateway's domain form. */
static void
test_sender_entry_malformed (void)
{
  const char *bad[] = { "not an address", "news@", "@", "*@", "a@b@shop.example",
                        "news@shop", "news@.shop.example", "news@shop..example",
                        "news@-shop.example", "*news@shop.example", "news?@shop.example",
                        "<news@shop.example>", "news@shop.example;x@y.example",
                        "news@127.0.0.1", ".news@shop.example", "news..x@shop.example",
                        "*.shop.example", "news@shop_example.com" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *entry = parse (QD_GATEWAY_KIND_QD, bad[i]);

      if (entry != NULL)
        g_error ("“%s” was taken as “%s”", bad[i], entry);
    }
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *entry = qd_sender_entry_parse (QD_GATEWAY_KIND_PMG, "news at shop", &error);

    g_assert_null (entry);
    g_assert_nonnull (strstr (error->message, "“news at shop”"));
    g_assert_nonnull (strstr (error->message, "*@example.com"));
  }
  {
    g_autoptr(GError) error = NULL;

    g_assert_null (qd_sender_entry_parse (QD_GATEWAY_KIND_QD, "   ", &error));
    g_assert_error (error, QD_ERROR, QD_ERROR_INVALID_INPUT);
  }
}

/* An internationalized domain is a domain. */
static void
test_sender_entry_idn (void)
{
  g_autofree char *entry = parse (QD_GATEWAY_KIND_QD, "\xe4\xbe\x8b\xe3\x81\x88.jp");

  g_assert_cmpstr (entry, ==, "@\xe4\xbe\x8b\xe3\x81\x88.jp");
}

static void
test_sender_entry_get_domain (void)
{
  g_assert_cmpstr (qd_sender_entry_get_domain ("@shop.example"), ==, "shop.example");
  g_assert_cmpstr (qd_sender_entry_get_domain ("*@shop.example"), ==, "shop.example");
  g_assert_null (qd_sender_entry_get_domain ("shop.example"));
  g_assert_null (qd_sender_entry_get_domain ("news@shop.example"));
  g_assert_null (qd_sender_entry_get_domain ("@"));
  g_assert_null (qd_sender_entry_get_domain (""));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sender-entry/address", test_sender_entry_address);
  g_test_add_func ("/sender-entry/domain", test_sender_entry_domain);
  g_test_add_func ("/sender-entry/malformed", test_sender_entry_malformed);
  g_test_add_func ("/sender-entry/idn", test_sender_entry_idn);
  g_test_add_func ("/sender-entry/get-domain", test_sender_entry_get_domain);

  return g_test_run ();
}
