// What Permanent's web app does on the wire (web-app src/app/shared/services/http*/ and core/services/upload/),
// small enough to read: v1 envelope calls on the page's own origin (/api is proxied, so the PHP session cookie
// works), the CSRF token kept in sessionStorage, the bearer in localStorage for v2 and Stela calls, and the upload
// straight to the presigned POST's URL on the mock's origin (CORS).
"use strict";

class Failure extends Error {
  constructor(status, message) {
    super(`${status}: ${JSON.stringify(message)}`);
    this.status = status;
    this.messages = message;
  }
}

async function v1(endpoint, data = [{}], useBearer = false) {
  const headers = { "Content-Type": "application/json" };
  if (useBearer) headers.Authorization = `Bearer ${localStorage.getItem("AUTH_TOKEN")}`;
  const csrf = JSON.parse(sessionStorage.getItem("CSRF") ?? "null");
  const response = await fetch(`/api/${endpoint}`, {
    method: "POST",
    headers,
    body: JSON.stringify({ RequestVO: { csrf, data } }),
  });
  if (response.status === 401) throw new Failure(401, ["tokenExpired"]); // the app signs out and reloads
  if (!response.ok) throw new Failure(response.status, ["HttpErrorResponse"]); // the app crashes on these
  const body = await response.json();
  // http.service.ts stores every answer's csrf (JSON-encoded); an absent one removes it.
  if (body.csrf) sessionStorage.setItem("CSRF", JSON.stringify(body.csrf));
  else sessionStorage.removeItem("CSRF");
  if (!body.isSuccessful) throw new Failure(200, body.Results[0].message);
  return body.Results.map((result) => result.data);
}

async function v2(method, endpoint, data) {
  const headers = {
    "Request-Version": "2",
    "Content-Type": "application/json",
    Authorization: `Bearer ${localStorage.getItem("AUTH_TOKEN")}`,
  };
  let url = `/api/${endpoint}`;
  const init = { method, headers };
  if (method === "GET" || method === "DELETE") {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(data ?? {})) {
      for (const item of [].concat(value)) query.append(Array.isArray(value) ? `${key}[]` : key, item);
    }
    if ([...query].length) url += `?${query}`;
  } else {
    init.body = JSON.stringify(data ?? {});
  }
  const response = await fetch(url, init);
  if (!response.ok) throw new Failure(response.status, [await response.text()]);
  return response.status === 204 ? null : response.json();
}

window.webapp = {
  async login(email, password) {
    const [data] = await v1("auth/login", [
      { AccountVO: { primaryEmail: email, rememberMe: true, keepLoggedIn: true }, AccountPasswordVO: { password } },
    ]);
    // auth.repo.ts: whichever VO has key "authToken" holds the bearer.
    const token = Object.values(data[0]).find((vo) => vo && vo.key === "authToken");
    localStorage.setItem("AUTH_TOKEN", token.value);
    return { account: data[0].AccountVO, archive: data[0].ArchiveVO };
  },
  async loggedIn() {
    const [data] = await v1("auth/loggedIn");
    return data[0].SimpleVO.value;
  },
  async archives(accountId) {
    const [data] = await v1("archive/getAllArchives", [{ AccountVO: { accountId } }]);
    return data.map((item) => item.ArchiveVO).filter((archive) => !archive.status.includes("pending"));
  },
  async changeArchive(archive) {
    const [data] = await v1("archive/change", [{ ArchiveVO: archive }]);
    return data[0].ArchiveVO;
  },
  async root() {
    const [data] = await v1("folder/getRoot", []);
    return data[0].FolderVO;
  },
  async navigate(archiveNbr, folderLinkId) {
    const [data] = await v1("folder/navigateLean", [{ FolderVO: { archiveNbr, folder_linkId: folderLinkId } }]);
    return data[0].FolderVO;
  },
  async upload(folder, name, text, type) {
    const file = new File([text], name, { type });
    const [data] = await v1("record/getPresignedUrl", [
      {
        RecordVO: {
          parentFolderId: folder.folderId,
          parentFolder_linkId: folder.folder_linkId,
          displayName: name,
          uploadFileName: name,
          size: file.size,
        },
        SimpleVO: { key: "type", value: type },
      },
    ]);
    const { destinationUrl, presignedPost } = data[0].SimpleVO.value;
    // uploader.ts: the fields, then Content-Type, then the file; no credentials to S3.
    const form = new FormData();
    for (const [key, value] of Object.entries(presignedPost.fields)) form.append(key, value);
    form.append("Content-Type", type);
    form.append("file", file);
    const stored = await fetch(presignedPost.url, { method: "POST", body: form, credentials: "omit" });
    if (!stored.ok) throw new Failure(stored.status, ["S3 upload"]);
    return v2("POST", "record/registerRecord", {
      displayName: name,
      parentFolderId: folder.folderId,
      uploadFileName: name,
      size: file.size,
      s3url: destinationUrl,
      archiveId: folder.archiveId,
    });
  },
  async download(record) {
    const [records] = [await v2("GET", "v2/record", { recordIds: [record.recordId] })];
    const original = records[0].files.find((file) => file.format === "file.format.original") ?? records[0].files[0];
    const response = await fetch(original.downloadUrl, { credentials: "omit" });
    return response.text();
  },
  async renameRecord(record, displayName) {
    return v2("POST", "record/update", { ...record, displayName, archiveId: record.archiveId });
  },
  async moveRecord(record, destination) {
    const [data] = await v1("record/move", [{ RecordVO: record, FolderDestVO: { folder_linkId: destination.folder_linkId } }], true);
    return data[0].RecordVO;
  },
  async shareLink(record) {
    const made = await v2("POST", "v2/share-links", { itemId: String(record.recordId), itemType: "record" });
    const opened = await v2("PATCH", `v2/share-links/${made.data.id}`, { accessRestrictions: "none" });
    const listed = await v2("GET", `v2/record/${record.recordId}/share-links`);
    return { made: made.data, opened: opened.data, listed: listed.items };
  },
  async deleteRecord(record) {
    await v1("record/delete", [{ RecordVO: record }]);
  },
  async logout() {
    await v1("auth/logout");
    localStorage.removeItem("AUTH_TOKEN");
  },
  async callAfterLogout() {
    try {
      await v1("account/get", [{}]);
      return "answered";
    } catch (failure) {
      return failure.status;
    }
  },
};
