-- cgo-ls for Neovim: attaches the cgo-ls language server beside gopls on `go` and `gomod` buffers.
--
--   require('cgo_ls').setup({ settings = { env = { CC = 'clang' } } })
--
-- Works on Neovim 0.11+ (vim.lsp.config + vim.lsp.enable), 0.8–0.10 (vim.lsp.start from a FileType
-- autocmd) and 0.7 (vim.lsp.start_client + vim.lsp.buf_attach_client, one client per root).
-- Settings are the `cgo` section of protocol.md; they are sent twice on purpose: as `init_options`
-- (initializationOptions, what Neovim 0.7 relies on since it never advertises workspace/configuration)
-- and as `settings = { cgo = … }` (what Neovim answers workspace/configuration from, and what 0.8+
-- pushes with workspace/didChangeConfiguration).
local M = {}

local uv = vim.uv or vim.loop

--- Name of the client (nvim-lspconfig convention: dashes become underscores).
M.name = 'cgo_ls'

M.defaults = {
  -- The server command. `cgo-ls` is on PATH after `npm install -g cgo-ls`; or use
  -- { 'node', '/path/to/cgo-ls/dist/main.js', '--stdio' }.
  cmd = { 'cgo-ls', '--stdio' },
  -- Extra environment for the server process (it passes its environment on to go, cc and pkg-config).
  cmd_env = nil,
  filetypes = { 'go', 'gomod' },
  -- The root is the nearest folder, upwards from the file, that holds one of these.
  root_markers = { 'go.work', 'go.mod', '.git' },
  -- The `cgo` settings section (env, goCommand, compilerTimeoutMs, debounceMs, compileOnChange,
  -- diagnosticsScope, checkShellEnv, targets, ignoreDirs, besideGopls, logLevel).
  settings = {},
  -- Called with (client, bufnr) after cgo-ls attaches, after the :CgoRefresh / :CgoToolchainReport
  -- buffer commands are created.
  on_attach = nil,
  capabilities = nil,
  handlers = nil,
  -- Create the buffer-local :CgoRefresh and :CgoToolchainReport commands.
  commands = true,
  -- 'auto' picks by Neovim version; 'config' (0.11+), 'start' (0.8+) or 'start_client' (0.7+) force one.
  method = 'auto',
}

local function has(feature)
  return vim.fn.has(feature) == 1
end

-- Lua tables with no keys encode as JSON arrays (and Neovim 0.11's config merging drops vim.empty_dict()
-- markers), while the server wants objects for the section and for `env`. An empty `env` or an empty
-- section means "defaults", so they are left out instead; nil means "send no settings at all".
local function normalize_settings(settings)
  if settings == nil then
    return nil
  end
  if type(settings) ~= 'table' then
    error('cgo_ls: opts.settings must be a table (the `cgo` section)', 0)
  end
  if settings.cgo ~= nil then
    error('cgo_ls: opts.settings is the `cgo` section itself; write settings = { env = … }, not settings = { cgo = { … } }', 0)
  end
  local s = vim.deepcopy(settings)
  if type(s.env) == 'table' and next(s.env) == nil then
    s.env = nil
  end
  if next(s) == nil then
    return nil
  end
  return s
end

local function is_dir(p)
  local st = uv.fs_stat(p)
  return st ~= nil and st.type == 'directory'
end

local function exists(p)
  return uv.fs_stat(p) ~= nil
end

--- The nearest folder at or above `path` (a file or a folder) holding one of `markers`, or nil.
function M.find_root(path, markers)
  if path == nil or path == '' then
    return nil
  end
  local dir = is_dir(path) and path or vim.fn.fnamemodify(path, ':h')
  dir = vim.fn.fnamemodify(dir, ':p'):gsub('[/\\]$', '')
  if dir == '' then
    dir = '/'
  end
  while true do
    for _, marker in ipairs(markers or M.defaults.root_markers) do
      if exists(dir .. '/' .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir or parent == '' then
      return nil
    end
    dir = parent
  end
end

--- The file a buffer shows, or nil for buffers that are not plain files (help, terminals, fugitive://…).
local function buffer_file(bufnr)
  if vim.bo[bufnr].buftype ~= '' then
    return nil
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == '' or name:match('^%a[%w+.-]+://') then
    return nil
  end
  return vim.fn.fnamemodify(name, ':p')
end

--- Root folder for a buffer: the nearest marker folder, else the file's own folder; nil for non-file buffers.
function M.root_dir(bufnr, markers)
  local file = buffer_file(bufnr)
  if not file then
    return nil
  end
  return M.find_root(file, markers) or vim.fn.fnamemodify(file, ':h')
end

local function client_request(client, method, params, handler, bufnr)
  if has('nvim-0.11') then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

local function show_report(text)
  vim.cmd('botright new')
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].buftype = 'nofile'
  vim.bo[buf].bufhidden = 'wipe'
  vim.bo[buf].swapfile = false
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, vim.split(text, '\n', { plain = true }))
  vim.bo[buf].modifiable = false
  pcall(vim.api.nvim_buf_set_name, buf, 'cgo-ls toolchain report ' .. buf)
  return buf
end

--- Runs `workspace/executeCommand` on the cgo-ls client of `bufnr`. `on_result(err, result)` is optional.
function M.execute(client, bufnr, command, arguments, on_result)
  local params = { command = command, arguments = arguments or {} }
  return client_request(client, 'workspace/executeCommand', params, function(err, result)
    if on_result then
      on_result(err, result)
    elseif err then
      vim.notify('cgo-ls: ' .. command .. ' failed: ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
    end
  end, bufnr)
end

--- Asks the server for the toolchain report of `bufnr`'s file and shows it in a scratch window.
function M.show_toolchain_report(client, bufnr)
  local uri = vim.uri_from_bufnr(bufnr)
  M.execute(client, bufnr, 'cgo.showToolchainReport', { uri }, function(err, result)
    if err then
      vim.notify('cgo-ls: cgo.showToolchainReport failed: ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
    elseif type(result) ~= 'table' or not result.ok or type(result.report) ~= 'string' then
      local why = type(result) == 'table' and result.message or vim.inspect(result)
      vim.notify('cgo-ls: no toolchain report: ' .. tostring(why), vim.log.levels.WARN)
    else
      show_report(result.report)
    end
  end)
end

local function make_on_attach(opts)
  return function(client, bufnr)
    if opts.commands then
      vim.api.nvim_buf_create_user_command(bufnr, 'CgoRefresh', function()
        -- With the file as argument the server leaves the message to the plugin (called bare, it shows one).
        M.execute(client, bufnr, 'cgo.refresh', { vim.uri_from_bufnr(bufnr) }, function(err)
          if err then
            vim.notify('cgo-ls: cgo.refresh failed: ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
          else
            vim.notify('cgo-ls: toolchain re-probed', vim.log.levels.INFO)
          end
        end)
      end, { desc = 'cgo-ls: forget toolchain and compiler results, re-probe, re-publish' })
      vim.api.nvim_buf_create_user_command(bufnr, 'CgoToolchainReport', function()
        M.show_toolchain_report(client, bufnr)
      end, { desc = 'cgo-ls: show the Go/C toolchain report for this file' })
    end
    if opts.on_attach then
      opts.on_attach(client, bufnr)
    end
  end
end

--- The resolved client configuration (without root_dir), as passed to Neovim's LSP API.
function M.config(opts)
  opts = vim.tbl_extend('force', M.defaults, opts or {})
  local settings = normalize_settings(opts.settings)
  local cfg = {
    name = M.name,
    cmd = opts.cmd,
    filetypes = opts.filetypes,
    root_markers = opts.root_markers,
    on_attach = make_on_attach(opts),
  }
  if settings then
    cfg.init_options = settings
    cfg.settings = { cgo = settings }
  end
  if opts.cmd_env then
    cfg.cmd_env = opts.cmd_env
  end
  if opts.capabilities then
    cfg.capabilities = opts.capabilities
  end
  if opts.handlers then
    cfg.handlers = opts.handlers
  end
  return cfg, opts
end

local function pick_method(method)
  if method ~= 'auto' then
    return method
  end
  if has('nvim-0.11') and vim.lsp.config and vim.lsp.enable then
    return 'config'
  elseif vim.lsp.start then
    return 'start'
  end
  return 'start_client'
end

--- The running cgo-ls client attached to `bufnr` (default: current buffer), or nil.
function M.get_client(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local clients = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr, name = M.name })
    or vim.lsp.buf_get_clients(bufnr)
  for _, c in pairs(clients) do
    if c.name == M.name then
      return c
    end
  end
  return nil
end

-- 0.7: one client per root, reused by every buffer of that root.
local clients_by_root = {}

local function client_alive(id)
  local c = id and vim.lsp.get_client_by_id(id)
  if not c then
    return false
  end
  if has('nvim-0.11') then
    return not c:is_stopped()
  end
  return not c.is_stopped()
end

local function attach_legacy(cfg, opts, bufnr)
  local root = M.root_dir(bufnr, opts.root_markers)
  if not root then
    return
  end
  local id = clients_by_root[root]
  if not client_alive(id) then
    local config = vim.tbl_extend('force', cfg, {
      root_dir = root,
      workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
    })
    config.filetypes = nil
    config.root_markers = nil
    id = vim.lsp.start_client(config)
    if not id then
      vim.notify('cgo-ls: could not start ' .. table.concat(cfg.cmd, ' '), vim.log.levels.ERROR)
      return
    end
    clients_by_root[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
end

local function attach_start(cfg, opts, bufnr)
  local root = M.root_dir(bufnr, opts.root_markers)
  if not root then
    return
  end
  local config = vim.tbl_extend('force', cfg, { root_dir = root })
  config.filetypes = nil
  config.root_markers = nil
  vim.lsp.start(config, { bufnr = bufnr })
end

local augroup

--- Sets cgo-ls up. `opts` overrides `M.defaults` (see README.md). Safe to call again: the last call wins.
function M.setup(opts)
  local cfg
  cfg, opts = M.config(opts)
  if type(opts.cmd) ~= 'table' or #opts.cmd == 0 then
    error('cgo_ls: opts.cmd must be a non-empty list such as { "cgo-ls", "--stdio" }', 0)
  end
  local method = pick_method(opts.method)
  M.method = method

  if method == 'config' then
    cfg.root_markers = nil
    cfg.root_dir = function(bufnr, on_dir)
      local root = M.root_dir(bufnr, opts.root_markers)
      if root then
        on_dir(root)
      end
    end
    vim.lsp.config(M.name, cfg)
    vim.lsp.enable(M.name)
    return
  end

  local attach = method == 'start' and attach_start or attach_legacy
  augroup = vim.api.nvim_create_augroup('cgo_ls', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = augroup,
    pattern = opts.filetypes,
    callback = function(ev)
      attach(cfg, opts, ev.buf)
    end,
    desc = 'cgo-ls: attach to Go buffers',
  })
  -- Buffers opened before setup() (lazy loading) get attached now.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(opts.filetypes, vim.bo[bufnr].filetype) then
      attach(cfg, opts, bufnr)
    end
  end
end

return M
