-- Drives a real headless Neovim through clients/neovim for test/e2e/neovim.test.ts:
--   nvim --headless -u NONE -i NONE -n -c 'luafile test/e2e/nvim-driver.lua'
-- Inputs (environment): CGO_E2E_REPO (repo root), CGO_E2E_WORKDIR (a temp copy of test/fixtures/e2e/cgoapp),
-- CGO_E2E_OUT (where to write the JSON result), CGO_E2E_SERVER (default <repo>/dist/main.js),
-- CGO_E2E_TIMEOUT_MS (per wait, default 30000), CGO_E2E_GOPLS (optional: gopls runs beside cgo-ls, as users run it).
-- It always writes the JSON (with `error` set when a step failed) and quits; the test asserts on it.
local repo = assert(os.getenv('CGO_E2E_REPO'), 'CGO_E2E_REPO is not set')
local workdir = assert(os.getenv('CGO_E2E_WORKDIR'), 'CGO_E2E_WORKDIR is not set')
local out_path = assert(os.getenv('CGO_E2E_OUT'), 'CGO_E2E_OUT is not set')
local timeout = tonumber(os.getenv('CGO_E2E_TIMEOUT_MS') or '') or 30000
local server = os.getenv('CGO_E2E_SERVER') or (repo .. '/dist/main.js')
local gopls = os.getenv('CGO_E2E_GOPLS')
if gopls == '' then
  gopls = nil
end

local result = {
  nvim_version = string.format('%d.%d.%d', vim.version().major, vim.version().minor, vim.version().patch),
  steps = {},
  logs = {},
  publishes = {},
}

local function step(name)
  table.insert(result.steps, name)
end

local function now_ms()
  return (vim.uv or vim.loop).hrtime() / 1e6
end
local t0 = now_ms()

-- Record every window/logMessage and publishDiagnostics the server sends (global handlers are looked up at
-- dispatch time, so wrapping them here covers the client the plugin starts).
vim.lsp.handlers['window/logMessage'] = function(err, res, ctx, config)
  if res then
    table.insert(result.logs, { type = res.type, message = res.message })
  end
end
local orig_publish = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, res, ctx, config)
  if res then
    local codes = {}
    for _, d in ipairs(res.diagnostics or {}) do
      table.insert(codes, d.code == nil and vim.NIL or d.code)
    end
    local c = ctx and ctx.client_id and vim.lsp.get_client_by_id(ctx.client_id)
    table.insert(result.publishes, {
      client = c and c.name or '?',
      count = #(res.diagnostics or {}),
      uri = res.uri,
      version = res.version,
      codes = codes,
      after_save = result.saved_at ~= nil,
      t = math.floor(now_ms() - t0),
    })
  end
  return orig_publish(err, res, ctx, config)
end

local function cgo_diagnostics(bufnr)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.source == 'cgo' then
      table.insert(out, {
        lnum = d.lnum,
        col = d.col,
        end_lnum = d.end_lnum,
        severity = d.severity,
        code = d.code,
        source = d.source,
        message = d.message,
      })
    end
  end
  return out
end

local function has_code(bufnr, code)
  for _, d in ipairs(cgo_diagnostics(bufnr)) do
    if d.code == code then
      return true
    end
  end
  return false
end

-- The LSP diagnostics of a line, as this Neovim version's vim.lsp.buf.code_action() sends them: 0.10+ keeps the
-- whole LSP diagnostic in user_data.lsp; 0.7–0.9 rebuild it with get_line_diagnostics (deprecated later).
local function line_diagnostics(bufnr, lnum)
  if vim.fn.has('nvim-0.10') == 0 then
    return vim.lsp.diagnostic.get_line_diagnostics(bufnr, lnum)
  end
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr, { lnum = lnum })) do
    if d.user_data and d.user_data.lsp then
      table.insert(out, d.user_data.lsp)
    end
  end
  return out
end

local function open(file)
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  return vim.api.nvim_get_current_buf()
end

local function find_line(bufnr, pattern)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    if line:find(pattern) then
      return i - 1, line
    end
  end
  error('no line matching ' .. pattern)
end

-- Sends a request to every client attached to the buffer and waits (up to `timeout`) for cgo_ls's answer only,
-- keeping the others' answers that came by then. buf_request_sync would wait for every server and, when one of
-- them is slow (gopls's first request waits for its workspace load, which on a loaded machine can pass the
-- timeout), return nothing at all, losing cgo_ls's answer too. Same shape as buf_request_sync's result (client
-- id -> { err, result }); `late` lists the servers that had not answered.
local function buf_clients(bufnr)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = bufnr })
  end
  return vim.lsp.buf_get_clients(bufnr)
end

local function request_cgo(bufnr, method, params)
  local answers = {}
  local cgo_id = nil
  for _, c in pairs(buf_clients(bufnr)) do
    if c.name == 'cgo_ls' then cgo_id = c.id end
  end
  vim.lsp.buf_request(bufnr, method, params, function(err, res, ctx)
    answers[ctx.client_id] = { err = err, result = res }
  end)
  vim.wait(timeout, function()
    return cgo_id ~= nil and answers[cgo_id] ~= nil
  end, 20)
  local late = {}
  for _, c in pairs(buf_clients(bufnr)) do
    if answers[c.id] == nil then table.insert(late, c.name) end
  end
  return answers, late
end

local function run()
  vim.cmd('filetype on')
  vim.cmd('set rtp+=' .. vim.fn.fnameescape(repo .. '/clients/neovim'))
  step('rtp')

  local cgo_ls = require('cgo_ls')
  cgo_ls.setup({
    cmd = { 'node', server, '--stdio' },
    -- Both must reach the server: cmd_env through the process environment, settings through
    -- initializationOptions / workspace/configuration. The toolchain report shows where each value came from.
    cmd_env = { CGO_CPPFLAGS = '-DCGO_E2E_FROM_CMD_ENV=1' },
    settings = {
      env = { CGO_CFLAGS = '-g -O2 -DCGO_E2E_FROM_SETTINGS=1' },
      checkShellEnv = false,
      debounceMs = 50,
    },
  })
  result.method = cgo_ls.method
  if gopls then
    -- gopls beside cgo-ls, started the plain way for this Neovim version (what nvim-lspconfig does for users).
    local gopls_id = nil
    vim.api.nvim_create_autocmd('FileType', {
      pattern = { 'go', 'gomod' },
      callback = function(args)
        if vim.lsp.start then
          vim.lsp.start({ name = 'gopls', cmd = { gopls }, root_dir = workdir }, { bufnr = args.buf })
        else
          gopls_id = gopls_id or vim.lsp.start_client({ name = 'gopls', cmd = { gopls }, root_dir = workdir })
          vim.lsp.buf_attach_client(args.buf, gopls_id)
        end
      end,
    })
  end
  step('setup')

  -- Scenario 1a: a preamble detached by a blank line.
  local detached = open(workdir .. '/detached.go')
  result.detached_filetype = vim.bo[detached].filetype
  local ok = vim.wait(timeout, function()
    return has_code(detached, 'cgo/preamble-detached') and cgo_ls.get_client(detached) ~= nil
  end, 50)
  result.detached = { waited_ok = ok, diagnostics = cgo_diagnostics(detached) }
  local client = cgo_ls.get_client(detached)
  if client then
    result.client = { name = client.name, root_dir = client.config.root_dir, id = client.id }
  end
  step('detached')

  -- Hover on the "C" of `import "C"`: the toolchain report (markdown).
  local line, text = find_line(detached, '^import "C"')
  local col = text:find('C"', 1, true) - 1
  -- cgo-ls's hover does not wait for the toolchain probe (it says the report is pending): ask again until it answers.
  local responses, late
  for _ = 1, 60 do
    responses, late = request_cgo(detached, 'textDocument/hover', {
      textDocument = { uri = vim.uri_from_bufnr(detached) },
      position = { line = line, character = col },
    })
    local pending = false
    for _, r in pairs(responses or {}) do
      local res = r.result ~= vim.NIL and r.result or nil
      local v = res and type(res.contents) == 'table' and res.contents.value or ''
      if type(v) == 'string' and v:find('has not answered', 1, true) then pending = true end
    end
    if not pending then break end
    vim.wait(500)
  end
  result.hover = { line = line, character = col, responses = {}, late = late }
  for id, r in pairs(responses or {}) do
    local c = vim.lsp.get_client_by_id(id)
    local res = r.result ~= vim.NIL and r.result or nil
    local contents = res and res.contents
    table.insert(result.hover.responses, {
      client = c and c.name,
      error = r.err and r.err.message,
      kind = type(contents) == 'table' and contents.kind or nil,
      value = type(contents) == 'table' and contents.value or contents,
    })
  end
  step('hover')

  -- The plugin's :CgoToolchainReport (workspace/executeCommand cgo.showToolchainReport) opens a scratch window.
  local before = vim.api.nvim_get_current_buf()
  vim.cmd('CgoToolchainReport')
  vim.wait(timeout, function()
    return vim.api.nvim_get_current_buf() ~= before
  end, 50)
  local report_buf = vim.api.nvim_get_current_buf()
  if report_buf ~= before then
    result.report = {
      buftype = vim.bo[report_buf].buftype,
      text = table.concat(vim.api.nvim_buf_get_lines(report_buf, 0, -1, false), '\n'),
    }
    vim.cmd('close')
  else
    result.report = { missing = true }
  end
  step('report')

  -- Code action: request the fixes for the detached-preamble diagnostic, apply the preferred one to the buffer,
  -- and wait for the server (which gets the edit as didChange) to drop the diagnostic.
  vim.api.nvim_set_current_buf(detached)
  local dline = nil
  for _, d in ipairs(cgo_diagnostics(detached)) do
    if d.code == 'cgo/preamble-detached' then
      dline = d.lnum
    end
  end
  local lsp_diags = line_diagnostics(detached, dline)
  local ca = request_cgo(detached, 'textDocument/codeAction', {
    textDocument = { uri = vim.uri_from_bufnr(detached) },
    range = { start = { line = dline, character = 0 }, ['end'] = { line = dline, character = 0 } },
    context = { diagnostics = lsp_diags },
  })
  local chosen = nil
  local titles = {}
  for _, r in pairs(ca or {}) do
    for _, action in ipairs(r.result or {}) do
      table.insert(titles, action.title)
      if action.isPreferred and action.edit and not chosen then
        chosen = action
      end
    end
  end
  result.code_action = { titles = titles, chosen = chosen and chosen.title, sent_diagnostics = #lsp_diags }
  if chosen then
    vim.lsp.util.apply_workspace_edit(chosen.edit, 'utf-16')
    ok = vim.wait(timeout, function()
      return not has_code(detached, 'cgo/preamble-detached')
    end, 50)
    result.code_action.waited_ok = ok
    result.code_action.buffer = table.concat(vim.api.nvim_buf_get_lines(detached, 0, -1, false), '\n')
    result.code_action.diagnostics = cgo_diagnostics(detached)
  end
  step('code_action')

  -- Completion after `C.`: type `C.pu` on a new line, ask the attached servers (the request Neovim's completion
  -- sends, with this Neovim's client capabilities), pick `puts`, apply it the way Neovim applies an LSP item on
  -- accept (its textEdit, or the list's itemDefaults.editRange with the label), finish the call, save.
  local typed = 'func Put() { C.pu'
  vim.api.nvim_buf_set_lines(detached, -1, -1, false, { '', typed })
  local cline = vim.api.nvim_buf_line_count(detached) - 1
  vim.api.nvim_win_set_cursor(0, { cline + 1, #typed })
  result.completion = { line = cline, servers = {} }
  local cresp = request_cgo(detached, 'textDocument/completion', {
    textDocument = { uri = vim.uri_from_bufnr(detached) },
    position = { line = cline, character = #typed },
    context = { triggerKind = 1 },
  })
  local picked, picked_list, picked_client = nil, nil, nil
  for id, r in pairs(cresp or {}) do
    local c = vim.lsp.get_client_by_id(id)
    local list = (r.result ~= nil and r.result ~= vim.NIL) and r.result or {}
    local items = list.items or list
    result.completion.servers[c and c.name or tostring(id)] = { count = #items, error = r.err and r.err.message or nil }
    if c and c.name == 'cgo_ls' then
      for _, it in ipairs(items) do
        if it.label == 'puts' then
          picked, picked_list, picked_client = it, list, c
        end
      end
    end
  end
  if picked then
    local doc = picked.documentation
    -- A client that resolves lazily asks for the documentation of the selected item (completionItem/resolve).
    if doc == nil then
      local rr = picked_client.request_sync('completionItem/resolve', picked, timeout, detached)
      if rr and rr.result then
        doc = rr.result.documentation
        result.completion.resolved = true
      end
    end
    result.completion.item = {
      label = picked.label,
      kind = picked.kind,
      detail = picked.detail,
      documentation = type(doc) == 'table' and doc.value or doc,
      documentation_kind = type(doc) == 'table' and doc.kind or vim.NIL,
      has_text_edit = picked.textEdit ~= nil,
    }
    local edit = picked.textEdit
    if edit == nil and picked_list.itemDefaults and picked_list.itemDefaults.editRange then
      local er = picked_list.itemDefaults.editRange
      edit = { range = er.start and er or er.insert, newText = picked.textEditText or picked.label }
    end
    if edit and edit.range == nil and edit.insert then
      edit = { range = edit.insert, newText = edit.newText }
    end
    if edit then
      vim.lsp.util.apply_text_edits({ edit }, detached, 'utf-16')
    else
      vim.api.nvim_buf_set_text(detached, cline, #typed, cline, #typed, { picked.insertText or picked.label })
    end
    result.completion.line_after = vim.api.nvim_buf_get_lines(detached, cline, cline + 1, false)[1]
    local cur = result.completion.line_after
    vim.api.nvim_buf_set_lines(detached, cline, cline + 1, false, { cur .. '(nil) }' })
    local detached_uri = vim.uri_from_bufnr(detached)
    local saved_at = math.floor(now_ms() - t0)
    vim.cmd('write')
    -- The save's own republish: cgo-ls has nothing to say about the completed file.
    ok = vim.wait(timeout, function()
      for _, p in ipairs(result.publishes) do
        if p.uri == detached_uri and p.client == 'cgo_ls' and p.t >= saved_at and p.count == 0 then
          return true
        end
      end
      return false
    end, 50)
    result.completion.clean_after_save = ok
    result.completion.diagnostics = cgo_diagnostics(detached)
    local f = io.open(workdir .. '/detached.go', 'r')
    result.completion.saved = f and f:read('*a') or vim.NIL
    if f then
      f:close()
    end
  end
  step('completion')

  -- Scenario 1b: a header that does not exist.
  local header = open(workdir .. '/header.go')
  -- The workspace scan may have published for the file already: wait for the client to attach as well.
  ok = vim.wait(timeout, function()
    return has_code(header, 'cgo/header-not-found') and cgo_ls.get_client(header) ~= nil
  end, 50)
  local header_client = cgo_ls.get_client(header)
  result.header = {
    waited_ok = ok,
    diagnostics = cgo_diagnostics(header),
    same_client = header_client ~= nil and client ~= nil and header_client.id == client.id,
  }
  step('header')

  -- Scenario 2: create the header on disk, save the buffer (didSave), wait for the diagnostic to go.
  local h = assert(io.open(workdir .. '/missing_e2e.h', 'w'))
  h:write('static int e2e_answer(void) { return 42; }\n')
  h:close()
  result.saved_at = math.floor(now_ms() - t0)
  vim.api.nvim_set_current_buf(header)
  vim.cmd('write')
  local header_uri = vim.uri_from_bufnr(header)
  ok = vim.wait(timeout, function()
    local republished = false
    for _, p in ipairs(result.publishes) do
      if p.uri == header_uri and p.after_save then
        republished = true
      end
    end
    return republished and not has_code(header, 'cgo/header-not-found')
  end, 50)
  local alive = client ~= nil and vim.lsp.get_client_by_id(client.id) ~= nil
  result.header_after_save = {
    waited_ok = ok,
    diagnostics = cgo_diagnostics(header),
    client_alive = alive,
  }
  step('header_after_save')

  -- go.mod buffers (filetype gomod) get the same client.
  local gomod = open(workdir .. '/go.mod')
  vim.wait(timeout, function()
    return cgo_ls.get_client(gomod) ~= nil
  end, 50)
  local gomod_client = cgo_ls.get_client(gomod)
  result.gomod = {
    filetype = vim.bo[gomod].filetype,
    attached = gomod_client ~= nil,
    same_client = gomod_client ~= nil and client ~= nil and gomod_client.id == client.id,
  }
  step('gomod')

  -- Scenario 3: a fix that creates a file (documentChanges with a CreateFile operation). Neovim applies those
  -- although it advertises only workspaceEdit.resourceOperations, not documentChanges.
  local exp = open(workdir .. '/exported/export.go')
  ok = vim.wait(timeout, function()
    return has_code(exp, 'cgo/export-preamble-definition') and cgo_ls.get_client(exp) ~= nil
  end, 50)
  local eline = nil
  for _, d in ipairs(cgo_diagnostics(exp)) do
    if d.code == 'cgo/export-preamble-definition' then
      eline = d.lnum
    end
  end
  result.create_fix = { waited_ok = ok, titles = {} }
  if eline then
    local ediags = line_diagnostics(exp, eline)
    result.create_fix.sent_diagnostics = #ediags
    local ca2 = request_cgo(exp, 'textDocument/codeAction', {
      textDocument = { uri = vim.uri_from_bufnr(exp) },
      range = { start = { line = eline, character = 0 }, ['end'] = { line = eline, character = 0 } },
      context = { diagnostics = ediags },
    })
    local move = nil
    for id, r in pairs(ca2 or {}) do
      local c = vim.lsp.get_client_by_id(id)
      if r.err or r.error then
        result.create_fix.errors = result.create_fix.errors or {}
        table.insert(result.create_fix.errors, vim.inspect(r.err or r.error))
      end
      for _, action in ipairs(r.result or {}) do
        if c and c.name == 'cgo_ls' then
          table.insert(result.create_fix.titles, action.title)
          if action.title:find('^Move ') and action.edit then
            move = action
          end
        end
      end
    end
    if move then
      result.create_fix.chosen = move.title
      vim.lsp.util.apply_workspace_edit(move.edit, 'utf-16')
      vim.cmd('silent wall')
      ok = vim.wait(timeout, function()
        return not has_code(exp, 'cgo/export-preamble-definition')
      end, 50)
      result.create_fix.gone = ok
      local cfile = workdir .. '/exported/export_e2e_say.c'
      local f = io.open(cfile, 'r')
      result.create_fix.c_file = f and f:read('*a') or vim.NIL
      if f then
        f:close()
      end
      result.create_fix.go_file = table.concat(vim.api.nvim_buf_get_lines(exp, 0, -1, false), '\n')
      result.create_fix.diagnostics = cgo_diagnostics(exp)
    end
  end
  step('create_fix')

  -- gopls beside cgo-ls: wait until gopls has published for the open Go files too, then record everything
  -- each server shows, per file.
  if gopls then
    local gopls_published = vim.wait(timeout * 3, function()
      for _, p in ipairs(result.publishes) do
        if p.client == 'gopls' and p.uri:find('/exported/export.go', 1, true) then
          return true
        end
      end
      return false
    end, 100)
    result.gopls = { published = gopls_published, clients = {} }
    local all_clients = vim.lsp.get_clients or vim.lsp.get_active_clients
    for _, c in pairs(all_clients()) do
      table.insert(result.gopls.clients, c.name)
    end
  end
  result.final = {}
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    local name = vim.api.nvim_buf_get_name(b)
    if name:sub(-3) == '.go' then
      local list = {}
      for _, d in ipairs(vim.diagnostic.get(b)) do
        table.insert(list, { source = d.source or vim.NIL, code = d.code or vim.NIL, lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col, message = d.message })
      end
      result.final[name:sub(#workdir + 2)] = list
      local attached = {}
      for _, c in pairs(buf_clients(b)) do
        table.insert(attached, string.format('%s#%d@%s', c.name, c.id, tostring(c.config.root_dir)))
      end
      result.attached = result.attached or {}
      result.attached[name:sub(#workdir + 2)] = attached
    end
  end
  step('final')
end

local ok, err = xpcall(run, debug.traceback)
if not ok then
  result.error = tostring(err)
end
result.elapsed_ms = math.floor(now_ms() - t0)

local f = io.open(out_path, 'w')
if f then
  f:write(vim.fn.json_encode(result))
  f:close()
end

local all_clients = vim.lsp.get_clients or vim.lsp.get_active_clients
for _, c in pairs(all_clients()) do
  vim.lsp.stop_client(c.id)
end
vim.wait(2000, function()
  return #all_clients() == 0
end, 50)
vim.cmd('qa!')
