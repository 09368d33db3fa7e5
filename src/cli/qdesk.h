/* qdesk.h — what every qdesk command shares
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "qd-core.h"

G_BEGIN_DECLS

/* Exit statuses, as documented in `qdesk --help`. */
enum {
  QDESK_EXIT_OK = 0,
  QDESK_EXIT_PARTIAL = 1,    /* some ids or samples failed */
  QDESK_EXIT_USAGE = 2,
  QDESK_EXIT_SESSION = 3,    /* sign-in or session problems */
  QDESK_EXIT_NETWORK = 4,    /* network or TLS problems */
};

typedef struct
{
  GSettings   *settings;
  char        *gateway_url;   /* --gateway, else the settings */
  char        *ca_file;       /* --ca-file, else the settings */
  char        *kind_name;     /* --gateway-kind, else NULL */
  char        *fingerprint;   /* --accept-fingerprint, else NULL */
  char        *username;
  gboolean     json;
  gboolean     want_info;     /* the command needs /info: asked while the keyring answers */
  gboolean     gateway_given; /* --gateway was on the command line */
  QdGateway   *gateway;       /* whichever kind */
  QdApiClient *client;        /* the same object when the kind is QD_GATEWAY_KIND_QD */
} QdeskContext;

typedef int (*QdeskCommand) (QdeskContext  *ctx,
                             int            argc,
                             char         **argv);

/* qdesk-main.c */
int           qdesk_fail            (const GError  *error);
int           qdesk_usage_error     (const char    *command,
                                     const char    *message);
gboolean      qdesk_parse           (const char    *command,
                                     const char    *parameters,
                                     GOptionEntry  *entries,
                                     int           *argc,
                                     char        ***argv);
QdApiClient  *qdesk_connect         (QdeskContext  *ctx,
                                     gboolean       need_session,
                                     GError       **error);
void          qdesk_print_json      (JsonBuilder   *builder);
char         *qdesk_format_time     (GDateTime     *time);
char         *qdesk_fit             (const char    *text,
                                     guint          columns);

/* qdesk-gateway.c: the gateway of any kind */
gboolean      qdesk_gateway_is_set  (QdeskContext  *ctx,
                                     GError       **error);
gboolean      qdesk_resolve_kind    (QdeskContext  *ctx,
                                     QdGatewayKind *kind,
                                     GError       **error);
QdGateway    *qdesk_connect_gateway (QdeskContext  *ctx,
                                     gboolean       need_session,
                                     GError       **error);
int           qdesk_fail_gateway    (QdeskContext  *ctx,
                                     const GError  *error);
int           qdesk_cannot          (const char    *command,
                                     const char    *message);
gboolean      qdesk_gateway_is_remembered (QdeskContext *ctx);
QdGateway    *qdesk_gateway_new     (QdeskContext  *ctx,
                                     QdGatewayKind  kind,
                                     const char    *link,
                                     GError       **error);
QdAccount    *qdesk_gateway_sign_in (QdeskContext  *ctx,
                                     QdGateway     *gateway,
                                     const char    *user,
                                     const char    *password,
                                     const char    *link,
                                     GError       **error);
void          qdesk_keep_renewed_ticket (QdeskContext *ctx);

/* qdesk-session.c */
char *qdesk_read_password (gboolean from_stdin, const char *prompt);
int qdesk_cmd_login   (QdeskContext *ctx, int argc, char **argv);
int qdesk_cmd_logout  (QdeskContext *ctx, int argc, char **argv);
int qdesk_cmd_info    (QdeskContext *ctx, int argc, char **argv);

/* qdesk-list.c */
int qdesk_cmd_list    (QdeskContext *ctx, int argc, char **argv);
int qdesk_cmd_show    (QdeskContext *ctx, int argc, char **argv);
GOptionEntry *qdesk_with_filters   (const GOptionEntry *own, gsize n_own);

/* --limit N | --all, as the listing commands take them */
typedef struct
{
  int      limit;
  gboolean all;
} QdeskLimit;

int           qdesk_parse_listing (const char *command, QdeskLimit *limit, int *argc,
                                   char ***argv);
guint         qdesk_limit_count   (const QdeskLimit *limit);
gboolean      qdesk_filter_build   (QdQuery **query, GError **error);
gboolean      qdesk_filter_build_mailbox (QdQuery **query, QdMailboxFolder *folder,
                                          GError **error);
GStrv         qdesk_collect_ids    (QdeskContext *ctx, QdQuery *query, GError **error);
int           qdesk_check_filters  (QdeskContext *ctx, const char *command,
                                    const QdQuery *query);

/* qdesk-mailbox.c */
int qdesk_cmd_mailbox (QdeskContext *ctx, int argc, char **argv);

/* qdesk-actions.c */
int qdesk_cmd_action        (QdeskContext *ctx, int argc, char **argv);
int qdesk_cmd_senders       (QdeskContext *ctx, int argc, char **argv);

/* qdesk-check.c */
int qdesk_cmd_check   (QdeskContext *ctx, int argc, char **argv);

/* qdesk-submit.c */
int qdesk_cmd_submit  (QdeskContext *ctx, int argc, char **argv);

/* The options of qdesk submit, which every command that reports samples takes. */
typedef struct
{
  gboolean  dry_run;
  char     *output;
  gboolean  yes;
  char     *to;
  char     *from;
  char     *smtp_server;
  char     *smtp_security;
  char     *smtp_user;
} QdeskSubmitOptions;

void          qdesk_submit_options_clear (QdeskSubmitOptions *options);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (QdeskSubmitOptions, qdesk_submit_options_clear)
GOptionEntry *qdesk_with_submit_options  (QdeskSubmitOptions *options,
                                          const GOptionEntry *own,
                                          gsize               n_own);
int           qdesk_submit_samples       (QdeskContext       *ctx,
                                          const char         *command,
                                          QdeskSubmitOptions *options,
                                          GPtrArray          *samples,
                                          GPtrArray          *sent);

/* qdesk-follow-up.c */
int qdesk_cmd_history (QdeskContext *ctx, int argc, char **argv);
int qdesk_cmd_recheck (QdeskContext *ctx, int argc, char **argv);
int qdesk_cmd_report  (QdeskContext *ctx, int argc, char **argv);
int qdesk_exit_status (const GError *error);

G_END_DECLS
