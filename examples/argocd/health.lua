-- Argo CD health check for gitseal.dev/EncryptedSecret.
-- Install under resource.customizations.health.gitseal.dev_EncryptedSecret
-- in argocd-cm (argocd-cm-patch.yaml embeds this file).
--
-- Healthy     Ready is True for the current generation (the message names
--             the trusted writer from status.writer, when there is one).
-- Degraded    Ready is False for a reason retrying will not fix
--             (RewrapDenied, ScopeMismatch, Tampered, Unsigned,
--             UntrustedWriter, SecretNotOwned, Invalid, SecretRefused, ...):
--             Unsigned and UntrustedWriter mean the controller requires a
--             trusted writer's signature and the document has none; the
--             Secret keeps what it held.
-- Progressing no status yet, a generation not yet observed, Ready Unknown,
--             or Ready False with RewrapUnavailable or ApiUnavailable (the
--             controller retries).
-- Plain Lua 5.1 (Argo CD runs gopher-lua): no goto, no integer operators.
local hs = {}

local function progressing(message)
  hs.status = "Progressing"
  hs.message = message
  return hs
end

local generation = nil
if obj.metadata ~= nil then
  generation = obj.metadata.generation
end

if obj.status == nil then
  return progressing("Waiting for the gitseal controller")
end

local observed = obj.status.observedGeneration
if generation ~= nil and observed ~= generation then
  return progressing("Waiting for the gitseal controller to observe generation " .. tostring(generation))
end

local ready = nil
if obj.status.conditions ~= nil then
  for _, condition in ipairs(obj.status.conditions) do
    if condition.type == "Ready" then
      ready = condition
    end
  end
end

if ready == nil then
  return progressing("Waiting for the Ready condition")
end

if generation ~= nil and ready.observedGeneration ~= nil and ready.observedGeneration ~= generation then
  return progressing("Waiting for the gitseal controller to observe generation " .. tostring(generation))
end

local message = ready.message
if message == nil or message == "" then
  message = ready.reason or ""
end

if ready.status == "True" then
  hs.status = "Healthy"
  hs.message = message
  if obj.status.writer ~= nil and obj.status.writer ~= "" then
    hs.message = message .. " (signed by " .. obj.status.writer .. ")"
  end
  return hs
end

if ready.status == "False" then
  if ready.reason == "RewrapUnavailable" or ready.reason == "ApiUnavailable" then
    return progressing(message)
  end
  hs.status = "Degraded"
  hs.message = message
  return hs
end

return progressing(message)
