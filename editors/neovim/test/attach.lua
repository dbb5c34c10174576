-- Runs one way of attaching sqlwarden in a fresh Neovim, then opens the copy's
-- post-deployment script and waits until a client named sqlwarden has attached with the copy
-- as its root and IMP003 is among the buffer's diagnostics. e2e.lua runs it as
--   nvim --headless --clean -l attach.lua SETUP RESULT.json
-- with `sqlwarden` on PATH. SETUP is
--   readme:NAME      the ```lua block after `<!-- e2e: NAME -->` in editors/neovim/README.md,
--                    run exactly as written (the snippets say `cmd = { 'sqlwarden', 'server' }`);
--   module-fallback  sqlwarden.lua's set-up for Neovim 0.8 to 0.10 (a FileType autocmd with
--                    vim.lsp.start), taken by hiding vim.lsp.config and vim.lsp.enable.

local uv = vim.uv or vim.loop
local name, out = arg[1], arg[2]
local readme = os.getenv('SQLWARDEN_NVIM_README')
local module_path = os.getenv('SQLWARDEN_NVIM_MODULE')
local project = os.getenv('E2E_PROJECT')
local wait_ms = tonumber(os.getenv('E2E_WAIT_MS') or '') or 15000

local result = { name = name }

local function finish(ok, why)
  result.ok = ok
  result.why = why
  local f = assert(io.open(out, 'w'))
  f:write(vim.json.encode(result))
  f:close()
  os.exit(ok and 0 or 1)
end

local function real(path)
  return uv.fs_realpath(path) or path
end

--- The set-up as a Lua chunk.
local function setup_chunk()
  if name == 'module-fallback' then
    return function()
      vim.lsp.config = nil
      vim.lsp.enable = nil
      dofile(module_path).setup({})
    end
  end
  local snippet = name:match('^readme:(.+)$')
  if not snippet then
    finish(false, 'unknown set-up ' .. tostring(name))
  end
  local f = io.open(readme or '', 'rb')
  if not f then
    finish(false, 'cannot read the README: ' .. tostring(readme))
  end
  local text = f:read('*a')
  f:close()
  local marker = '<!-- e2e: ' .. snippet .. ' -->'
  local at = text:find(marker, 1, true)
  if not at then
    finish(false, 'no ' .. marker .. ' in the README')
  end
  local code = text:match('^%s*```lua\n(.-)\n```', at + #marker)
  if not code then
    finish(false, 'no ```lua block right after ' .. marker)
  end
  result.snippet = code
  local chunk, load_err = load(code, '=README.md[' .. snippet .. ']')
  if not chunk then
    finish(false, 'the snippet does not compile: ' .. load_err)
  end
  return chunk
end

local ran, run_err = pcall(setup_chunk())
if not ran then
  finish(false, 'the set-up failed: ' .. tostring(run_err))
end
if name == 'module-fallback' then
  -- The fallback is the one at work: its FileType autocmd exists.
  local ok, autocmds = pcall(vim.api.nvim_get_autocmds, { group = 'sqlwarden', event = 'FileType' })
  if not ok or #autocmds == 0 then
    finish(false, 'sqlwarden.lua did not create its FileType autocmd')
  end
end

vim.cmd.edit(vim.fn.fnameescape(project .. '/Scripts/Script.PostDeployment.sql'))
local bufnr = vim.api.nvim_get_current_buf()

local client
vim.wait(wait_ms, function()
  client = vim.lsp.get_clients({ bufnr = bufnr, name = 'sqlwarden' })[1]
  return client ~= nil and client.initialized
end, 20)
if not client then
  -- Whatever was started is terminated, never left running.
  for _, c in ipairs(vim.lsp.get_clients({ name = 'sqlwarden', _uninitialized = true })) do
    c:stop(true)
  end
  vim.wait(2000, function()
    return #vim.lsp.get_clients({ name = 'sqlwarden', _uninitialized = true }) == 0
  end, 20)
  finish(false, 'no initialized client named sqlwarden attached to the buffer')
end
result.root_dir = client.root_dir

local function has_imp003()
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.code == 'IMP003' and d.lnum == 3 then
      return true
    end
  end
  return false
end
vim.wait(wait_ms, has_imp003, 20)
result.diagnostics = vim.diagnostic.get(bufnr)

local root_ok = real(client.root_dir or '') == real(project)
local diagnostics_ok = has_imp003()

-- Waits until Neovim has reaped the server (the client is gone only after the process
-- exited), so that no process is left behind, not even a zombie.
local client_id = client.id
client:stop()
vim.wait(5000, function()
  return vim.lsp.get_client_by_id(client_id) == nil
end, 20)
if vim.lsp.get_client_by_id(client_id) ~= nil then
  client:stop(true)
  vim.wait(2000, function()
    return vim.lsp.get_client_by_id(client_id) == nil
  end, 20)
end
result.stopped = vim.lsp.get_client_by_id(client_id) == nil

if not root_ok then
  finish(false, ('root_dir %s, expected %s'):format(tostring(client.root_dir), project))
end
if not diagnostics_ok then
  finish(false, 'no IMP003 on line 3 within ' .. wait_ms .. ' ms')
end
finish(true)
