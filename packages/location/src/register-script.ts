import { LuaScript } from './lua-script.js';

/**
 * Applies one REGISTER to one AOR's bindings hash atomically (RFC 3261
 * §10.3: "REGISTER requests MUST also be processed atomically"), so that two
 * edge replicas may process REGISTERs for the same AOR at once. It touches
 * one key only, so it runs on a Redis Cluster.
 *
 * KEYS[1]  the AOR's bindings hash (field = binding key, value = binding JSON)
 * ARGV[1]  now (ms)            ARGV[2]  grace after the last expiry (ms)
 * ARGV[3]  Call-ID             ARGV[4]  CSeq
 * ARGV[5]  mode: "fetch" (no Contact), "remove-all" (Contact: *), "update"
 * ARGV[6..] for "update": pairs of binding key and binding JSON ("" removes)
 *
 * Lapsed bindings (expiresAt <= now) count as absent and are deleted. Before
 * any change, every binding the request touches passes the Call-ID/CSeq
 * check of steps 6 and 7; one failure aborts the whole request, which then
 * changes nothing. The hash's TTL follows its latest expiry plus the grace;
 * an empty hash is deleted.
 *
 * Returns {"stale", key} on abort, else
 * {"ok", nextExpiry or "", #lapsed, #before, lapsed..., before..., after...}.
 */
export const registerScript = new LuaScript(`
local key = KEYS[1]
local now = tonumber(ARGV[1])
local grace = tonumber(ARGV[2])
local callId = ARGV[3]
local cseq = tonumber(ARGV[4])
local mode = ARGV[5]

local function decode(raw)
  local ok, b = pcall(cjson.decode, raw)
  if ok and type(b) == 'table' and tonumber(b.expiresAt) ~= nil then return b end
  return nil
end

local flat = redis.call('HGETALL', key)
local live, order, lapsedKeys, lapsed = {}, {}, {}, {}
for i = 1, #flat, 2 do
  local b = decode(flat[i + 1])
  if b ~= nil and tonumber(b.expiresAt) > now then
    live[flat[i]] = { raw = flat[i + 1], b = b }
    order[#order + 1] = flat[i]
  else
    lapsedKeys[#lapsedKeys + 1] = flat[i]
    lapsed[#lapsed + 1] = flat[i + 1]
  end
end

-- RFC 3261 §10.3 steps 6 and 7: a binding written under the same Call-ID may
-- change only if the request's CSeq is higher; "Otherwise, the update MUST be
-- aborted and the request fails."
local function stale(b)
  return b.callId == callId and not (cseq > (tonumber(b.cseq) or -1))
end
if mode == 'remove-all' then
  for _, k in ipairs(order) do
    if stale(live[k].b) then return { 'stale', k } end
  end
elseif mode == 'update' then
  for i = 6, #ARGV, 2 do
    local cur = live[ARGV[i]]
    if cur ~= nil and stale(cur.b) then return { 'stale', ARGV[i] } end
  end
end

local before = {}
for _, k in ipairs(order) do before[#before + 1] = live[k].raw end
for _, k in ipairs(lapsedKeys) do redis.call('HDEL', key, k) end

if mode == 'remove-all' then
  live, order = {}, {}
elseif mode == 'update' then
  for i = 6, #ARGV, 2 do
    local k, raw = ARGV[i], ARGV[i + 1]
    if raw == '' then
      if live[k] ~= nil then
        redis.call('HDEL', key, k)
        live[k] = nil
      end
    else
      if live[k] == nil then order[#order + 1] = k end
      redis.call('HSET', key, k, raw)
      live[k] = { raw = raw, b = decode(raw) }
    end
  end
end

local after, first, last = {}, nil, nil
for _, k in ipairs(order) do
  local e = live[k]
  if e ~= nil then
    after[#after + 1] = e.raw
    local at = tonumber(e.b.expiresAt)
    if first == nil or at < first then first = at end
    if last == nil or at > last then last = at end
  end
end
if #after == 0 then
  redis.call('DEL', key)
else
  redis.call('PEXPIRE', key, string.format('%.0f', math.max(1, last - now + grace)))
end

local out = { 'ok', first == nil and '' or string.format('%.0f', first), tostring(#lapsed), tostring(#before) }
for _, r in ipairs(lapsed) do out[#out + 1] = r end
for _, r in ipairs(before) do out[#out + 1] = r end
for _, r in ipairs(after) do out[#out + 1] = r end
return out
`);
