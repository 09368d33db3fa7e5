/* gateway-fixture.h — the real gateway served in the test's own process
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "qd-core.h"
#include "qd-gw-gateway.h"
#include "qd-gw-server.h"

G_BEGIN_DECLS

typedef struct
{
  char         *dir;
  QdGwGateway  *gateway;
  QdGwServer   *server;
  QdApiClient  *client;  /* signed in, with the gateway's limits learnt */
  GMainLoop    *loop;
} GatewayFixture;

void gateway_fixture_set_up_gateway (GatewayFixture *fixture,
                                     QdGwConfig     *config);
void gateway_fixture_set_up         (GatewayFixture *fixture,
                                     guint           count,
                                     guint           max_page_size);
void gateway_fixture_tear_down      (GatewayFixture *fixture);

G_END_DECLS
