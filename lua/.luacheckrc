-- luacheck settings for the mirrorgate Lua code (nginx + lua-nginx-module globals).
std = "ngx_lua"
max_line_length = 120
files["spec/"] = { std = "+busted" }
