-- wrk script of benchmarks/load.py: one route, or the three-step upload chain, as the SDK sends them.
-- Settings come from the environment: BENCH_MODE (get | post_folder | upload), BENCH_PATH, BENCH_TOKEN,
-- BENCH_PARENT (a folderId), BENCH_TAG (makes names unique across runs).
-- wrk gives every thread its own Lua state; the upload chain runs one connection per thread, so its
-- request and response calls alternate strictly.

local mode = os.getenv("BENCH_MODE") or "get"
local path = os.getenv("BENCH_PATH") or "/"
local token = os.getenv("BENCH_TOKEN") or ""
local parent = os.getenv("BENCH_PARENT") or "3"
local tag = (os.getenv("BENCH_TAG") or "t") .. "-" .. tostring(math.random(1, 1000000000))

local function api_headers(json)
   local h = { ["Authorization"] = "Bearer " .. token, ["Request-Version"] = "2" }
   if json then h["Content-Type"] = "application/json" end
   return h
end

local counter = 0
local function next_name()
   counter = counter + 1
   return string.format("bench-%s-%d", tag, counter)
end

-- upload chain state: 0 = ask for a presigned POST, 1 = send the bytes, 2 = register the record
local step, form_path, form_body, boundary, destination, name = 0, nil, nil, "benchboundary7MA4YWxkTrZu0gW", nil, nil
local content = string.rep("x", 1024)

local function multipart(fields)
   local parts = {}
   for key, value in pairs(fields) do
      parts[#parts + 1] = "--" .. boundary .. '\r\nContent-Disposition: form-data; name="' .. key .. '"\r\n\r\n' .. value .. "\r\n"
   end
   parts[#parts + 1] = "--" .. boundary .. '\r\nContent-Disposition: form-data; name="Content-Type"\r\n\r\ntext/plain\r\n'
   parts[#parts + 1] = "--" .. boundary .. '\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
      .. "Content-Type: text/plain\r\n\r\n" .. content .. "\r\n--" .. boundary .. "--\r\n"
   return table.concat(parts)
end

request = function()
   if mode == "get" then
      return wrk.format("GET", path, api_headers(false))
   elseif mode == "post_folder" then
      local body = string.format('{"displayName":"%s","parentFolderId":%s}', next_name(), parent)
      return wrk.format("POST", "/api/folder/post", api_headers(true), body)
   end
   if step == 1 and form_path then
      local h = { ["Content-Type"] = "multipart/form-data; boundary=" .. boundary }
      return wrk.format("POST", form_path, h, form_body)
   elseif step == 2 then
      local body = string.format(
         '{"s3url":"%s","displayName":"%s","parentFolderId":%s,"uploadFileName":"%s.txt","fileType":"text/plain","size":1024}',
         destination, name, parent, name)
      return wrk.format("POST", "/api/record/registerRecord", api_headers(true), body)
   end
   step = 0
   name = next_name()
   local body = string.format(
      '{"displayName":"%s","parentFolderId":%s,"uploadFileName":"%s.txt","fileType":"text/plain","size":1024}',
      name, parent, name)
   return wrk.format("POST", "/api/record/getPresignedUrl", api_headers(true), body)
end

-- Only the chain reads answers: a defined response() makes wrk parse every body.
local function chain(status, headers, body)
   if status >= 300 then step = 0; return end
   if step == 0 then
      destination = body:match('"destinationUrl":"([^"]+)"')
      form_path = body:match('"url":"https?://[^/"]+(/[^"]*)"')
      local fields_text = body:match('"fields":(%b{})')
      if destination and form_path and fields_text then
         local fields = {}
         for key, value in fields_text:gmatch('"([^"]+)":"([^"]*)"') do fields[key] = value end
         form_body = multipart(fields)
         step = 1
      end
   elseif step == 1 then
      step = 2
   else
      step = 0
   end
end

if mode == "upload" then response = chain end
