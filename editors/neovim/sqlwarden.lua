--- Attaches Neovim to `sqlwarden server`, sqlwarden's language server (LSP over stdio).
---
--- Load it straight from a checkout, or copy it to `~/.config/nvim/lua/sqlwarden.lua`:
---
---   dofile('/path/to/sqlwarden/editors/neovim/sqlwarden.lua').setup({})
---   require('sqlwarden').setup({})   -- when copied into a `lua/` folder on 'runtimepath'
---
--- On Neovim 0.11 and later `setup()` registers the server with `vim.lsp.config` and turns it
--- on with `vim.lsp.enable`; on 0.8 to 0.10 it starts it from a FileType autocmd with
--- `vim.lsp.start`. Either way one server runs per project root, and every SQL buffer under
--- that root attaches to it. The analysis lives in the server: this file only finds the root
--- and passes the options through.

local M = {}

--- The client's name, as `vim.lsp.get_clients({ name = ... })` and `:checkhealth vim.lsp`
--- show it.
M.name = 'sqlwarden'

--- Options that belong to this module and are not passed on to Neovim's LSP client.
local own_options = { single_file = true }

local uv = vim.uv or vim.loop

--- Whether a directory entry marks a project root: an SSDT or SDK-style project file, the
--- configuration file, or a repository (`.git` is a folder, or a file in a worktree).
--- @param name string
--- @return boolean
function M.is_root_marker(name)
  local lower = name:lower()
  return lower == 'sqlwarden.toml' or name == '.git' or lower:match('%.sqlproj$') ~= nil
end

--- The nearest folder at or above `path` that holds a root marker (`*.sqlproj`,
--- `sqlwarden.toml` or `.git`), or nil. `path` is a file or a folder.
---
--- The walk is written with `scandir` rather than `vim.fs.find` or `vim.fs.root` so that it
--- behaves the same on every supported Neovim (a glob marker such as `*.sqlproj` is not
--- something `root_markers` can express).
--- @param path string
--- @return string?
function M.find_root(path)
  if path == nil or path == '' then
    return nil
  end
  -- `:p:h` is the folder itself for a folder (`:p` adds a trailing slash) and the parent for
  -- a file.
  local dir = vim.fn.fnamemodify(path, ':p:h')
  while true do
    local handle = uv.fs_scandir(dir)
    if handle then
      while true do
        local name = uv.fs_scandir_next(handle)
        if name == nil then
          break
        end
        if M.is_root_marker(name) then
          return dir
        end
      end
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then
      return nil
    end
    dir = parent
  end
end

--- The root for a buffer, or nil when the buffer is not a file on disk or no root is found
--- (with `single_file`, the file's own folder then).
--- @param bufnr integer
--- @param single_file boolean?
--- @return string?
function M.root_for_buffer(bufnr, single_file)
  local name = vim.api.nvim_buf_get_name(bufnr)
  -- A buffer with no name, or one that a plugin reads from elsewhere (`fugitive://…`), has
  -- no project on disk.
  if name == '' or name:match('^%a[%w+.-]*://') then
    return nil
  end
  local root = M.find_root(name)
  if root == nil and single_file then
    root = vim.fn.fnamemodify(name, ':p:h')
  end
  return root
end

--- Lua encodes an empty table as a JSON array; `variables` is a map, so an empty one must be
--- sent as `{}`.
local function as_object(map)
  if type(map) == 'table' and next(map) == nil then
    return vim.empty_dict()
  end
  return map
end

--- The client configuration for `opts`, without `root_dir`: usable with `vim.lsp.config`,
--- `vim.lsp.start` (after setting `root_dir`) or nvim-lspconfig.
---
--- `opts` takes every field of Neovim's client configuration (`cmd`, `init_options`,
--- `settings`, `handlers`, `on_attach`, `capabilities`, …) and `filetypes`. Defaults:
--- `cmd = { 'sqlwarden', 'server' }` and `filetypes = { 'sql', 'cs' }` (the C# of SQLCLR
--- assemblies gets the CLS findings).
---
--- `init_options` reaches the server in `initialize`:
---   { select = { 'PRM', 'IMP' }, ignore = { 'PRM007' }, defaultSchema = 'app',
---     variables = { DatabaseName = 'Payroll' }, configFile = '/path/to/sqlwarden.toml' }
--- `settings = { sqlwarden = { … } }` (the same keys) is sent with
--- `workspace/didChangeConfiguration` once the server is up, and by `M.configure()`; it
--- replaces `init_options` as a whole.
--- @param opts table?
--- @return table
function M.config(opts)
  local config = {}
  for key, value in pairs(opts or {}) do
    if not own_options[key] then
      config[key] = vim.deepcopy(value)
    end
  end
  config.name = M.name
  config.cmd = config.cmd or { 'sqlwarden', 'server' }
  config.filetypes = config.filetypes or { 'sql', 'cs' }
  if type(config.init_options) == 'table' then
    config.init_options.variables = as_object(config.init_options.variables)
  end
  if type(config.settings) == 'table' and type(config.settings.sqlwarden) == 'table' then
    config.settings.sqlwarden.variables = as_object(config.settings.sqlwarden.variables)
  end
  return config
end

local function get_clients(filter)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients(filter)
  end
  return vim.lsp.get_active_clients(filter)
end

--- The running sqlwarden clients (all of them, or those attached to `bufnr`).
--- @param bufnr integer?
--- @return table[]
function M.clients(bufnr)
  return get_clients({ name = M.name, bufnr = bufnr })
end

--- Sends `settings` (the keys of `init_options`) to every running sqlwarden server as
--- `workspace/didChangeConfiguration`; the server re-analyses and publishes again. They
--- replace the earlier options as a whole, so give every key that should still apply.
--- @param settings table
function M.configure(settings)
  for _, client in ipairs(M.clients()) do
    client.settings = client.settings or {}
    client.settings.sqlwarden = vim.deepcopy(settings)
    client.settings.sqlwarden.variables = as_object(client.settings.sqlwarden.variables)
    local params = { settings = client.settings }
    if vim.fn.has('nvim-0.11') == 1 then
      client:notify('workspace/didChangeConfiguration', params)
    else
      client.notify('workspace/didChangeConfiguration', params)
    end
  end
end

--- Registers the server and attaches it to every SQL buffer that lies under a project root.
---
--- `opts` is what `M.config()` takes, plus `single_file = true` to attach a file outside any
--- project, with its own folder as the root (off by default: a stray script in the home
--- folder would otherwise make the server index the whole home folder).
--- @param opts table?
function M.setup(opts)
  opts = opts or {}
  local config = M.config(opts)
  local single_file = opts.single_file

  if vim.lsp.config ~= nil and vim.lsp.enable ~= nil then
    -- Neovim 0.11+: the built-in configuration framework starts and reuses the client.
    config.root_dir = function(bufnr, on_dir)
      local root = M.root_for_buffer(bufnr, single_file)
      if root then
        on_dir(root)
      end
    end
    -- Assigning replaces any earlier definition, so calling setup() again with other options
    -- does not merge the old `cmd` list into the new one.
    vim.lsp.config[M.name] = config
    vim.lsp.enable(M.name)
    return
  end

  if vim.lsp.start == nil then
    error('sqlwarden.lua needs Neovim 0.8 or later (vim.lsp.start)')
  end

  -- Neovim 0.8 to 0.10: start (or reuse, by name and root) a client for each SQL buffer.
  local function attach(bufnr)
    if vim.bo[bufnr].buftype ~= '' then
      return
    end
    local root = M.root_for_buffer(bufnr, single_file)
    if root then
      local client_config = vim.deepcopy(config)
      client_config.root_dir = root
      vim.lsp.start(client_config, { bufnr = bufnr })
    end
  end
  local group = vim.api.nvim_create_augroup('sqlwarden', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = config.filetypes,
    callback = function(args)
      attach(args.buf)
    end,
  })
  -- Buffers opened before setup() ran already had their FileType event.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(config.filetypes, vim.bo[bufnr].filetype) then
      attach(bufnr)
    end
  end
end

return M
