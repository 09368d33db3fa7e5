--[[ rspamd.local.lua — qd-gateway's part of rspamd: one graymail category per
message, the recipients' approved and blocked senders, and each category's
policy (docs/deployment.md).

SPDX-License-Identifier: GPL-3.0-or-later

The sender lists are the ones people keep in Quarantine Desk: qd-gateway
serves them as maps (RECIPIENT|SENDER and RECIPIENT|@DOMAIN per line) beside
its ingest URL, which local.d/metadata_exporter.conf names. A list acts only
when every recipient of the message agrees; otherwise the message is held and
qd-gateway applies each recipient's lists on its own (released at once to
those who approved the sender, dropped for those who blocked it).
]]

local rspamd_logger = require "rspamd_logger"
local N = 'qd_gateway'

-- Most specific sign first: a social network's newsletter is "social".
local SIGNS = {
  { 'social', 'QD_GM_SOCIAL_DOMAIN' },
  { 'forum', 'QD_GM_FORUM_DOMAIN' },
  { 'bulk', 'QD_GM_BULK_IP' },
  { 'marketing', 'QD_GM_MARKETING_DOMAIN' },
  { 'marketing', 'QD_GM_LIST_UNSUBSCRIBE' },
  { 'bulk', 'QD_GM_PRECEDENCE_BULK' },
}
local CATEGORIES = { 'marketing', 'social', 'forum', 'bulk' }

local function percent_encode(s)
  return (s:gsub('[^%w%-_%.~]', function(c)
    return string.format('%%%02X', string.byte(c))
  end))
end

local exporter = rspamd_config:get_all_opt('metadata_exporter') or {}
local site = (exporter.rules or {}).QD_GATEWAY or {}

local function add_sender_map(name)
  if type(site.url) ~= 'string' or not site.url:match('/rspamd/ingest$') then
    rspamd_logger.errx(rspamd_config, '%s: no qd-gateway URL in qd-gateway.inc; ' ..
        'approved and blocked senders are not applied', N)
    return nil
  end
  -- rspamd sends the URL's user and password as HTTP Basic credentials.
  local scheme, rest = site.url:match('^(https?://)(.*)/rspamd/ingest$')
  local url = string.format('%s%s:%s@%s/rspamd/maps/%s', scheme,
      percent_encode(site.user or 'rspamd'), percent_encode(site.password or ''), rest, name)
  return rspamd_config:add_map({
    url = url,
    type = 'set',
    description = 'qd-gateway: ' .. name .. ' senders per recipient',
  })
end

local approved = add_sender_map('approved')
local blocked = add_sender_map('blocked')
local policy = rspamd_config:add_map({
  url = rspamd_paths['LOCAL_CONFDIR'] .. '/local.d/qd_graymail_policy.map',
  type = 'map',
  description = 'qd-gateway: what happens to each graymail category',
})

-- The sender as people see it (From) and as the envelope gives it: a list
-- entry for either counts.
local function senders(task)
  local out = {}
  for _, which in ipairs({ 'mime', 'smtp' }) do
    local from = task:get_from(which)
    if from and from[1] and from[1].addr and from[1].addr ~= '' then
      table.insert(out, { addr = from[1].addr:lower(),
                          domain = '@' .. (from[1].domain or ''):lower() })
    end
  end
  return out
end

local function every_recipient_lists(task, map)
  if not map then return false end
  local rcpts = task:get_recipients('smtp')
  local from = senders(task)
  if not rcpts or #rcpts == 0 or #from == 0 then return false end
  for _, r in ipairs(rcpts) do
    local rcpt = (r.addr or ''):lower()
    local listed = false
    for _, s in ipairs(from) do
      if map:get_key(rcpt .. '|' .. s.addr) or map:get_key(rcpt .. '|' .. s.domain) then
        listed = true
        break
      end
    end
    if not listed then return false end
  end
  return true
end

local function category_of(task)
  for _, sign in ipairs(SIGNS) do
    if task:has_symbol(sign[2]) then return sign[1] end
  end
  return nil
end

local function policy_callback(task)
  if every_recipient_lists(task, blocked) then
    task:insert_result('QD_SENDER_BLOCKED', 1.0)
    task:set_pre_result('discard', 'blocked by the recipient', N)
    return
  end
  local is_approved = every_recipient_lists(task, approved)
  if is_approved then
    task:insert_result('QD_SENDER_APPROVED', 1.0)
  end
  local category = category_of(task)
  if not category then return end
  task:insert_result('QD_GRAYMAIL_' .. category:upper(), 1.0)
  -- Spam and phishing outrank graymail; the recipients' approval lets it in.
  if is_approved or task:get_metric_action() == 'reject' then return end
  if (policy and policy:get_key(category)) == 'junk' then
    task:set_pre_result('add header', 'graymail (' .. category .. ')', N)
    task:set_milter_reply({ add_headers = { ['X-QD-Graymail'] = category } })
  else
    -- Low priority: when qd-gateway cannot take the held copy, the exporter's
    -- "soft reject" must win, so that the sender retries (451) rather than
    -- the message being accepted and dropped.
    task:set_pre_result({ action = 'discard', module = N, priority = 0,
                          message = 'graymail (' .. category .. ') held in quarantine' })
  end
end

local id = rspamd_config:register_symbol({
  name = 'QD_GATEWAY_POLICY',
  type = 'postfilter',
  callback = policy_callback,
  priority = 5,
})
for _, name in ipairs({ 'QD_SENDER_APPROVED', 'QD_SENDER_BLOCKED' }) do
  rspamd_config:register_symbol({ name = name, type = 'virtual', parent = id, score = 0.0,
                                  group = 'qd_gateway' })
end
for _, category in ipairs(CATEGORIES) do
  rspamd_config:register_symbol({ name = 'QD_GRAYMAIL_' .. category:upper(), type = 'virtual',
                                  parent = id, score = 0.0, group = 'qd_gateway',
                                  description = 'Graymail: ' .. category })
end
