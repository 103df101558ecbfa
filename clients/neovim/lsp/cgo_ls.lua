-- Neovim 0.11+: with this plugin on 'runtimepath', `vim.lsp.enable('cgo_ls')` alone starts cgo-ls with these
-- defaults (cmd `cgo-ls --stdio`, go + gomod buffers, root = nearest go.work/go.mod/.git). Override any field
-- with vim.lsp.config('cgo_ls', { … }), or call require('cgo_ls').setup({ … }) instead.
local cfg = require('cgo_ls').config()
return cfg
