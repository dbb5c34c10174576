-- End-to-end test of sqlwarden's Neovim set-up, run by e2e.sh as
--   nvim --headless --clean -l e2e.lua
-- It attaches `sqlwarden server` through editors/neovim/sqlwarden.lua (the documented set-up)
-- to a copy of examples/Payroll and checks what a user sees: diagnostics, hover, definition,
-- the "Add REVERT" quick fix, a configuration change and a clean shutdown. Then it runs the
-- README's snippets marked `e2e:` and sqlwarden.lua's fallback for Neovim 0.8 to 0.10, each in
-- a child Neovim (attach.lua). Each check prints one line;
-- the results go to a JSON file that e2e.sh reads.
--
-- Environment (set by e2e.sh): SQLWARDEN_BIN, SQLWARDEN_NVIM_MODULE (sqlwarden.lua),
-- SQLWARDEN_NVIM_README, E2E_PROJECT (the copy), E2E_RESULT (the JSON file), E2E_WAIT_MS
-- (the longest wait for one event), E2E_BUDGET_MS (when every wait ends), E2E_ATTACH_LUA.

local uv = vim.uv or vim.loop
local started = uv.hrtime()

local function env(name)
  local value = os.getenv(name)
  if value == nil or value == '' then
    io.stderr:write('e2e.lua: ' .. name .. ' is not set (run e2e.sh)\n')
    os.exit(2)
  end
  return value
end

local bin = env('SQLWARDEN_BIN')
local module_path = env('SQLWARDEN_NVIM_MODULE')
local project = env('E2E_PROJECT')
local result_path = env('E2E_RESULT')
local wait_ms = tonumber(os.getenv('E2E_WAIT_MS') or '') or 15000
-- Every wait ends by this time (ms after the start), so that a server that never answers
-- fails the remaining checks quickly instead of running into e2e.sh's time limit; the
-- shutdown after it has a few seconds of its own.
local budget_ms = tonumber(os.getenv('E2E_BUDGET_MS') or '') or 48000

local function elapsed_ms()
  return math.floor((uv.hrtime() - started) / 1e6)
end

--- How long the next wait may take.
local function limit()
  return math.max(1, math.min(wait_ms, budget_ms - elapsed_ms()))
end

-- Files are compared by their real path, so that a server that canonicalises paths (or a
-- temporary folder behind a symbolic link) does not make a diagnostic look lost.
local function real(path)
  return uv.fs_realpath(path) or path
end

local function file(rel)
  return project .. '/' .. rel
end

local function rel(path)
  local full = real(path)
  local root = real(project) .. '/'
  if full:sub(1, #root) == root then
    return full:sub(#root + 1)
  end
  return full
end

local function read_file(path)
  local f = io.open(path, 'rb')
  if not f then
    return nil
  end
  local text = f:read('*a')
  f:close()
  return text
end

---------------------------------------------------------------------------------------------
-- Results
---------------------------------------------------------------------------------------------

local report = {
  nvim = tostring(vim.version()),
  server = { bin = bin },
  project = project,
  checks = {},
  publications = {},
  requests = {},
}

local function write_report()
  report.passed, report.failed = 0, 0
  for _, c in ipairs(report.checks) do
    if c.ok then
      report.passed = report.passed + 1
    else
      report.failed = report.failed + 1
    end
  end
  report.elapsed_ms = elapsed_ms()
  local ok, json = pcall(vim.json.encode, report)
  if not ok then
    json = vim.json.encode({ error = 'could not encode the report: ' .. tostring(json), checks = report.checks })
  end
  local f = assert(io.open(result_path, 'w'))
  f:write(json)
  f:close()
end

--- Records one check. `detail` says what was expected and what came instead.
local function check(name, ok, detail)
  ok = ok and true or false
  table.insert(report.checks, { name = name, ok = ok, detail = detail, at_ms = elapsed_ms() })
  local line = (ok and 'ok   ' or 'FAIL ') .. name
  if not ok and detail then
    line = line .. '\n       ' .. tostring(detail):gsub('\n', '\n       ')
  end
  io.stdout:write(line .. '\n')
  io.stdout:flush()
  write_report()
  return ok
end

--- The JSON text of a value, for failure messages.
local function show(value)
  if value == nil then
    return 'nil'
  end
  local ok, json = pcall(vim.json.encode, value)
  return ok and json or vim.inspect(value)
end

-- Neovim's own messages (a client that quit with an error, a failed handler) go to the report
-- and to stderr, each on its own line.
report.messages = {}
vim.notify = function(msg, level)
  table.insert(report.messages, { at_ms = elapsed_ms(), level = level, message = msg })
  io.stderr:write('nvim: ' .. tostring(msg) .. '\n')
end

---------------------------------------------------------------------------------------------
-- Capturing publishDiagnostics as the server sent them
---------------------------------------------------------------------------------------------

-- Keyed by real path: { uri, diagnostics, version, count }.
local published = {}

local function on_publish(err, result, ctx, config)
  if result and result.uri then
    local path = real(vim.uri_to_fname(result.uri))
    local entry = published[path] or { count = 0 }
    entry.uri = result.uri
    entry.diagnostics = result.diagnostics or {}
    entry.version = result.version
    entry.count = entry.count + 1
    published[path] = entry
    local codes = {}
    for _, d in ipairs(entry.diagnostics) do
      table.insert(codes, tostring(d.code))
    end
    table.insert(report.publications, {
      at_ms = elapsed_ms(),
      file = rel(path),
      uri = result.uri,
      version = result.version,
      codes = codes,
      diagnostics = entry.diagnostics,
    })
  end
  -- Neovim's own handler still runs, so vim.diagnostic sees what a user would see.
  return vim.lsp.handlers['textDocument/publishDiagnostics'](err, result, ctx, config)
end

local function diagnostics_of(rel_path)
  local entry = published[real(file(rel_path))]
  return entry and entry.diagnostics, entry
end

local function find_code(diagnostics, code)
  for _, d in ipairs(diagnostics or {}) do
    if d.code == code then
      return d
    end
  end
end

local function codes_and_lines(diagnostics)
  local parts = {}
  for _, d in ipairs(diagnostics or {}) do
    local line = d.range and d.range.start and d.range.start.line
    table.insert(parts, ('%s@%s'):format(tostring(d.code), tostring(line)))
  end
  return '[' .. table.concat(parts, ', ') .. ']'
end

---------------------------------------------------------------------------------------------
-- Requests
---------------------------------------------------------------------------------------------

local client

--- Sends a request and waits for its answer. Returns result, error text.
local function request(method, params, bufnr)
  local t0 = uv.hrtime()
  local response, reason = client:request_sync(method, params, limit(), bufnr)
  local entry = { method = method, params = params, ms = math.floor((uv.hrtime() - t0) / 1e6) }
  table.insert(report.requests, entry)
  if response == nil then
    entry.error = 'no response: ' .. tostring(reason or 'the client is stopped')
    return nil, entry.error
  end
  entry.result = response.result
  if response.err then
    entry.error = show(response.err)
    return nil, ('error %s'):format(entry.error)
  end
  return response.result, nil
end

local function text_document(bufnr)
  return { uri = vim.uri_from_bufnr(bufnr) }
end

local function open(rel_path)
  vim.cmd.edit(vim.fn.fnameescape(file(rel_path)))
  return vim.api.nvim_get_current_buf()
end

local function attached(bufnr)
  for _, c in ipairs(vim.lsp.get_clients({ bufnr = bufnr, name = 'sqlwarden' })) do
    if c.initialized then
      return c
    end
  end
end

--- The 0-based column of `needle` in line `line` of `bufnr`, plus `offset`.
local function column_of(bufnr, line, needle, offset)
  local text = vim.api.nvim_buf_get_lines(bufnr, line, line + 1, false)[1] or ''
  local start = text:find(needle, 1, true)
  assert(start, ('%q not found in line %d: %q'):format(needle, line, text))
  return start - 1 + (offset or 0)
end

---------------------------------------------------------------------------------------------
-- The test
---------------------------------------------------------------------------------------------

local POST = 'Scripts/Script.PostDeployment.sql'
local SEED = 'Scripts/Seed.sql'
local RAISE = 'Procedures/RaiseSalary.sql'
local SEARCH = 'Procedures/Search.sql'
local SALARIES = 'Tables/Salaries.sql'

local exit_status

local function main()
  local sqlwarden = dofile(module_path)
  sqlwarden.setup({
    cmd = { bin, 'server' },
    -- The project's own values, so that the findings stay those of examples/Payroll; they
    -- show that init_options reach the server without upsetting it.
    init_options = { defaultSchema = 'dbo', variables = { AppRole = 'payroll_app' } },
    handlers = { ['textDocument/publishDiagnostics'] = on_publish },
    on_exit = function(code, signal)
      exit_status = { code = code, signal = signal }
    end,
  })

  -- 1. Opening a file of the project starts the server with the project as its root.
  local post = open(POST)
  vim.wait(limit(), function()
    client = attached(post)
    return client ~= nil
  end, 20)
  if not check('the server attaches to ' .. POST .. ' with the copy as its root',
      client ~= nil and real(client.root_dir or '') == real(project),
      client == nil and ('no initialized sqlwarden client within %d ms'):format(wait_ms)
        or ('root_dir %s, expected %s'):format(tostring(client.root_dir), project)) then
    if client == nil then
      return
    end
  end
  report.server.offset_encoding = client.offset_encoding
  report.server.info = client.server_info
  report.server.capabilities = client.server_capabilities
  report.server.attached_at_ms = elapsed_ms()

  -- 2. The open file's diagnostics, exactly: one IMP003 on `EXECUTE AS USER = 'hr_owner';`.
  -- Waits for IMP003 rather than for any publication: a server may well publish an empty list
  -- for a document it has not analysed yet. The last publication is then checked whole.
  vim.wait(limit(), function()
    return find_code(diagnostics_of(POST), 'IMP003') ~= nil
  end, 20)
  local post_diagnostics = diagnostics_of(POST)
  local imp003 = find_code(post_diagnostics, 'IMP003')
  do
    local ok, why = post_diagnostics ~= nil, 'no publishDiagnostics for ' .. POST
    if ok then
      local d = post_diagnostics[1]
      ok = #post_diagnostics == 1
        and d.code == 'IMP003'
        and d.source == 'sqlwarden'
        and d.range.start.line == 3
        and d.severity == vim.lsp.protocol.DiagnosticSeverity.Warning
        and type(d.message) == 'string' and d.message ~= ''
        and type(d.codeDescription) == 'table' and type(d.codeDescription.href) == 'string'
        and d.codeDescription.href ~= ''
      why = 'expected exactly one warning IMP003, source "sqlwarden", on line 3, with a message'
        .. ' and codeDescription.href; got ' .. show(post_diagnostics)
    end
    report.server.first_diagnostics_at_ms = elapsed_ms()
    check(POST .. ': exactly IMP003 (sqlwarden) on the EXECUTE AS line', ok, why)
  end

  -- 3. Neovim's diagnostic framework has it on the buffer (the URIs match).
  do
    local found
    for _, d in ipairs(vim.diagnostic.get(post)) do
      if d.code == 'IMP003' and d.lnum == 3 and d.source == 'sqlwarden' then
        found = d
      end
    end
    check('vim.diagnostic.get() shows IMP003 on line 3 of the buffer', found ~= nil,
      'vim.diagnostic.get(' .. post .. ') = ' .. show(vim.diagnostic.get(post)))
  end

  -- 4, 5. Files that are not open get their diagnostics too.
  for _, expected in ipairs({ { RAISE, 'PRM002' }, { SEARCH, 'IMP004' } }) do
    local path, code = expected[1], expected[2]
    vim.wait(limit(), function()
      return find_code(diagnostics_of(path), code) ~= nil
    end, 20)
    local diagnostics = diagnostics_of(path)
    local d = find_code(diagnostics, code)
    check(('%s (not open): %s from sqlwarden'):format(path, code),
      d ~= nil and d.source == 'sqlwarden',
      diagnostics == nil and ('no publishDiagnostics for %s'):format(path)
        or ('got %s'):format(show(diagnostics)))
  end

  -- 6. Hover on the user's name in `EXECUTE AS USER = 'hr_owner';`.
  do
    local position = { line = 3, character = column_of(post, 3, 'hr_owner', 2) }
    local result, err = request('textDocument/hover',
      { textDocument = text_document(post), position = position }, post)
    local contents = result and result.contents
    local ok = type(contents) == 'table' and contents.kind == 'markdown'
      and type(contents.value) == 'string' and vim.trim(contents.value) ~= ''
    report.hover = contents
    check('hover on hr_owner is non-empty markdown', ok,
      err or ('expected MarkupContent of kind markdown, got %s (hoverProvider: %s)'):format(
        show(result), show(client.server_capabilities.hoverProvider)))
  end

  -- 7. Definition of hr.Salaries from Scripts/Seed.sql (opened: it attaches to the same
  --    server, which serves the whole root).
  do
    local seed = open(SEED)
    local seed_client
    vim.wait(limit(), function()
      seed_client = attached(seed)
      return seed_client ~= nil
    end, 20)
    local ok, why = false, 'Seed.sql did not attach'
    if seed_client and seed_client.id ~= client.id then
      why = ('Seed.sql attached to a second client (%d, root %s)'):format(seed_client.id, tostring(seed_client.root_dir))
    elseif seed_client then
      local position = { line = 0, character = column_of(seed, 0, 'hr.Salaries', 5) }
      local result, err = request('textDocument/definition',
        { textDocument = text_document(seed), position = position }, seed)
      -- Location, Location[] or LocationLink[].
      local first = result
      if type(result) == 'table' and result.uri == nil and result.targetUri == nil then
        first = result[1]
      end
      local uri = first and (first.targetUri or first.uri)
      local range = first and (first.targetSelectionRange or first.range)
      ok = uri ~= nil and real(vim.uri_to_fname(uri)) == real(file(SALARIES))
        and range ~= nil and range.start.line == 0
      why = err or ('expected a location in %s on line 0, got %s (definitionProvider: %s)'):format(
        SALARIES, show(result), show(client.server_capabilities.definitionProvider))
      report.definition = result
    end
    check('definition of hr.Salaries in ' .. SEED .. ' is ' .. SALARIES .. ' line 0', ok, why)
    vim.api.nvim_set_current_buf(post)
  end

  -- 8. The quick fix for IMP003.
  local add_revert
  do
    local ok, why = false, 'not run: no IMP003 diagnostic to ask about'
    local suppress
    if imp003 then
      local result, err = request('textDocument/codeAction', {
        textDocument = text_document(post),
        range = imp003.range,
        context = { diagnostics = { imp003 }, triggerKind = 1 },
      }, post)
      local titles = {}
      for _, action in ipairs(result or {}) do
        table.insert(titles, ('%s [%s]'):format(tostring(action.title), tostring(action.kind)))
        if type(action.title) == 'string' then
          if action.title:find('^Add REVERT') and not add_revert then
            add_revert = action
          elseif action.title:find('^Suppress') then
            suppress = action
          end
        end
      end
      report.code_actions = result
      ok = add_revert ~= nil and add_revert.kind == 'quickfix' and type(add_revert.edit) == 'table'
      if err then
        why = err
      elseif add_revert == nil then
        why = ('no action whose title starts with "Add REVERT"; the titles [kinds]: %s'):format(
          #titles > 0 and table.concat(titles, '; ') or show(result))
      else
        why = 'expected kind "quickfix" and an edit; got ' .. show(add_revert)
      end
    end
    check('code action "Add REVERT…" (quickfix with a WorkspaceEdit) at the IMP003 range', ok, why)
    check('a "Suppress…" code action is offered for IMP003', suppress ~= nil and type(suppress.edit) == 'table',
      imp003 and ('got %s'):format(show(report.code_actions)) or 'not run: no IMP003 diagnostic')
    if not ok then
      add_revert = nil
    end
  end

  -- 9. Applying it changes the buffer, not the file.
  local before_count
  do
    local ok, why = false, 'not run: no "Add REVERT" action'
    if add_revert then
      local disk_before = read_file(file(POST))
      local _, entry = diagnostics_of(POST)
      before_count = entry and entry.count or 0
      local applied, apply_err = pcall(vim.lsp.util.apply_workspace_edit, add_revert.edit, client.offset_encoding)
      local text = table.concat(vim.api.nvim_buf_get_lines(post, 0, -1, false), '\n')
      report.buffer_after_fix = text
      ok = applied and text:find('REVERT', 1, true) ~= nil and vim.bo[post].modified
        and read_file(file(POST)) == disk_before
      why = not applied and ('apply_workspace_edit failed: ' .. tostring(apply_err))
        or ('expected the buffer to gain REVERT and the file on disk to stay as it was; buffer:\n%s\nedit: %s'):format(
          text, show(add_revert.edit))
    end
    check('the edit adds REVERT to the buffer and leaves the file on disk alone', ok, why)
  end

  -- 10. The change reaches the server (didChange) and IMP003 goes away.
  do
    local ok, why = false, 'not run: the edit was not applied'
    if before_count then
      vim.wait(limit(), function()
        local diagnostics, entry = diagnostics_of(POST)
        return entry ~= nil and entry.count > before_count and find_code(diagnostics, 'IMP003') == nil
      end, 20)
      local diagnostics, entry = diagnostics_of(POST)
      local in_buffer = false
      for _, d in ipairs(vim.diagnostic.get(post)) do
        if d.code == 'IMP003' then
          in_buffer = true
        end
      end
      ok = entry.count > before_count and find_code(diagnostics, 'IMP003') == nil and not in_buffer
      why = ('after the edit: %d new publication(s) for %s, last %s (version %s, buffer version %s)'):format(
        entry.count - before_count, POST, codes_and_lines(diagnostics), tostring(entry.version),
        tostring(vim.lsp.util.buf_versions[post]))
      report.version_after_fix = { published = entry.version, buffer = vim.lsp.util.buf_versions[post] }
    end
    check('IMP003 is gone once the server has the edited buffer', ok, why)
  end

  -- 11. workspace/didChangeConfiguration: ignoring PRM002 clears it from RaiseSalary.sql
  --     (a file whose findings vanish must be published again, with fewer or none).
  do
    local _, entry = diagnostics_of(RAISE)
    local count = entry and entry.count or 0
    sqlwarden.configure({ defaultSchema = 'dbo', variables = { AppRole = 'payroll_app' }, ignore = { 'PRM002' } })
    vim.wait(limit(), function()
      local diagnostics, e = diagnostics_of(RAISE)
      return e ~= nil and e.count > count and find_code(diagnostics, 'PRM002') == nil
    end, 20)
    local diagnostics, e = diagnostics_of(RAISE)
    local search = diagnostics_of(SEARCH)
    local ok = e ~= nil and e.count > count and find_code(diagnostics, 'PRM002') == nil
      and find_code(search, 'IMP004') ~= nil
    check('settings { sqlwarden = { ignore = { "PRM002" } } } clear PRM002 and keep IMP004', ok,
      ('%s: %d new publication(s), last %s; %s: %s'):format(RAISE, e and (e.count - count) or 0,
        codes_and_lines(diagnostics), SEARCH, codes_and_lines(search)))
  end
end

local ok, err = xpcall(main, debug.traceback)
if not ok then
  check('the test script ran to its end', false, err)
end

-- 12. Shutdown: `shutdown` then `exit`, and the process ends with status 0.
if client == nil then
  -- A server that never finished `initialize` is terminated, never left running.
  for _, c in ipairs(vim.lsp.get_clients({ name = 'sqlwarden', _uninitialized = true })) do
    c:stop(true)
  end
  vim.wait(2000, function()
    return #vim.lsp.get_clients({ name = 'sqlwarden', _uninitialized = true }) == 0
  end, 20)
else
  client:stop()
  vim.wait(5000, function()
    return exit_status ~= nil
  end, 20)
  if exit_status == nil then
    client:stop(true)
    vim.wait(2000, function()
      return exit_status ~= nil
    end, 20)
  end
  report.server.exit = exit_status
  check('the server exits with status 0 after shutdown and exit',
    exit_status ~= nil and exit_status.code == 0 and exit_status.signal == 0,
    ('exit: %s'):format(show(exit_status or 'still running 5 s after shutdown; terminated')))
end

-- 13. Other set-ups, each in its own Neovim (attach.lua): the README's snippets marked
--     `<!-- e2e: NAME -->`, and sqlwarden.lua's path for Neovim 0.8 to 0.10.
do
  local readme = os.getenv('SQLWARDEN_NVIM_README')
  local runner = os.getenv('E2E_ATTACH_LUA')
  if readme and runner then
    local setups = {}
    for name in (read_file(readme) or ''):gmatch('<!%-%- e2e: ([%w%.%-_]+) %-%->') do
      table.insert(setups, { 'readme:' .. name, ('README snippet %q attaches and reports IMP003'):format(name) })
    end
    check('the README marks snippets to test', #setups > 0, 'no `<!-- e2e: NAME -->` markers in ' .. readme)
    table.insert(setups, { 'module-fallback',
      'sqlwarden.lua without vim.lsp.config (the 0.8 to 0.10 path) attaches and reports IMP003' })
    report.setups = {}
    for _, setup in ipairs(setups) do
      local name, title = setup[1], setup[2]
      local child_wait = limit()
      if child_wait < 3000 then
        check(title, false, 'not run: the time budget is used up')
      else
        local out = vim.fs.dirname(result_path) .. '/attach-' .. name:gsub('[^%w%.%-]', '-') .. '.json'
        os.remove(out)
        local done = vim.system({ vim.v.progpath, '--headless', '--clean', '-l', runner, name, out },
          { text = true, env = { E2E_WAIT_MS = tostring(child_wait) } }):wait(child_wait + 6000)
        local result = read_file(out)
        local decoded = result and vim.json.decode(result) or {}
        report.setups[name] = { result = decoded, code = done.code, stderr = done.stderr }
        check(title, done.code == 0 and decoded.ok == true,
          ('exit %s, %s%s'):format(tostring(done.code), decoded.why or 'no result file',
            (done.stderr or '') ~= '' and ('\n' .. done.stderr) or ''))
      end
    end
  end
end

write_report()
vim.wait(100) -- Lets the last log lines out before exiting.
os.exit(report.failed == 0 and 0 or 1)
