/* peer-fixture.h — what the tests of the other gateways' clients share: simulator, calls
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "qd-gateway.h"
#include "qd-item-source.h"

G_BEGIN_DECLS

/* A simulator run as a process, with a folder of its own for its files. */
typedef struct
{
  char        *dir;
  GSubprocess *process;
  JsonObject  *ready;       /* its first line: where it listens */
} PeerSim;

PeerSim       *peer_sim_new           (void);
char          *peer_sim_path          (PeerSim             *sim,
                                       const char          *name);
void           peer_sim_start         (PeerSim             *sim,
                                       const char          *script,
                                       ...) G_GNUC_NULL_TERMINATED;
const char    *peer_sim_get           (PeerSim             *sim,
                                       const char          *member);
void           peer_sim_stop          (PeerSim             *sim);
void           peer_sim_free          (PeerSim             *sim);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PeerSim, peer_sim_free)

gpointer       peer_client_new        (QdGatewayKind        kind,
                                       const char          *url,
                                       const char          *ca_file);
gpointer       peer_signed_in         (gpointer             client,
                                       const char          *user,
                                       const char          *password);
QdAccount     *peer_sign_in           (gpointer             client,
                                       const char          *user,
                                       const char          *password,
                                       GError             **error);
QdItemPage    *peer_list_page         (gpointer             client,
                                       const QdQuery       *query,
                                       const char          *cursor,
                                       guint                limit,
                                       GError             **error);
GPtrArray     *peer_list_all          (gpointer             client,
                                       const QdQuery       *query,
                                       guint                limit,
                                       guint                page_most,
                                       guint               *n_pages);
QdBatchResult *peer_act               (gpointer             client,
                                       QdActions            action,
                                       const char * const  *ids,
                                       gboolean             approve,
                                       QdProgressFunc       progress,
                                       gpointer             progress_data,
                                       GCancellable        *cancellable,
                                       GError             **error);
QdBatchResult *peer_release_cancelled (gpointer             client,
                                       const char * const  *ids,
                                       guint                first_batch);
GBytes        *peer_get_raw           (gpointer             client,
                                       const char          *id,
                                       GError             **error);
GPtrArray     *peer_list_senders      (gpointer             client,
                                       QdSenderList         list,
                                       GError             **error);
gboolean       peer_change_sender     (gpointer             client,
                                       QdSenderList         list,
                                       const char          *address,
                                       gboolean             add,
                                       GError             **error);
QdOutcome     *peer_outcome           (QdBatchResult       *result,
                                       guint                i);

G_END_DECLS
