package slacksim

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// maxUpload bounds one file's content.
const maxUpload = 32 << 20

// File is an uploaded file, its content kept for tests.
type File struct {
	ID      string
	Name    string
	Title   string
	Length  int // as declared to files.getUploadURLExternal
	Content []byte
	// Channel is where files.completeUploadExternal shared it, or "".
	Channel  string
	Uploaded bool
	Complete bool
}

// fileStore holds files by id. Guarded by Server.mu.
type fileStore struct{ byID map[string]*File }

func (f *fileStore) init() { f.byID = make(map[string]*File) }

// filesGetUploadURL is files.getUploadURLExternal: an upload URL on this server.
func (s *Server) filesGetUploadURL(r *apiRequest) (map[string]any, string) {
	length, err := strconv.Atoi(r.Params["length"])
	if r.Params["filename"] == "" || err != nil || length <= 0 {
		return nil, "invalid_arguments"
	}
	f := &File{ID: "F" + randUpper(10), Name: r.Params["filename"], Length: length}
	s.mu.Lock()
	s.files.byID[f.ID] = f
	s.mu.Unlock()
	return map[string]any{"upload_url": s.base + "/upload/" + f.ID, "file_id": f.ID}, ""
}

// handleUpload takes the file content, raw or as slack-go sends it: a
// multipart form with the content in the "file" part.
func (s *Server) handleUpload(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	call := Call{Method: "upload", TokenOK: true, At: s.now(), Params: map[string]string{"file_id": id}}
	defer func() { s.recordCall(call) }()
	content, err := readUpload(w, r)
	if err != nil {
		textError(w, &call, http.StatusBadRequest, "invalid_upload")
		return
	}
	s.mu.Lock()
	f, ok := s.files.byID[id]
	if ok {
		f.Content, f.Uploaded = content, true
	}
	s.mu.Unlock()
	if !ok {
		textError(w, &call, http.StatusNotFound, "file_not_found")
		return
	}
	call.Status = http.StatusOK
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, "OK - "+strconv.Itoa(len(content)))
}

func readUpload(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	body := http.MaxBytesReader(w, r.Body, maxUpload)
	ctype, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if !strings.HasPrefix(ctype, "multipart/") {
		return io.ReadAll(body)
	}
	r.Body = body
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, err
	}
	for {
		part, err := mr.NextPart()
		if err != nil {
			return nil, err // io.EOF too: a form without a file part
		}
		if part.FormName() == "file" || part.FileName() != "" {
			return io.ReadAll(part)
		}
	}
}

// filesCompleteUpload is files.completeUploadExternal: the files are shared
// in channel_id (or the first of channels), or stay private without one.
func (s *Server) filesCompleteUpload(r *apiRequest) (map[string]any, string) {
	var summaries []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	if json.Unmarshal([]byte(r.Params["files"]), &summaries) != nil || len(summaries) == 0 {
		return nil, "invalid_arguments"
	}
	blocks, errc := normalizeBlocks(r.Params["blocks"])
	if errc != "" {
		return nil, errc
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	channel := r.Params["channel_id"]
	if channel == "" {
		channel, _, _ = strings.Cut(r.Params["channels"], ",")
	}
	if channel != "" {
		if channel, errc = s.resolveChannel(channel); errc != "" {
			return nil, errc
		}
	}
	var out []map[string]any
	var ids []string
	for _, sum := range summaries {
		f, ok := s.files.byID[sum.ID]
		if !ok || !f.Uploaded {
			return nil, "file_not_found"
		}
		f.Title, f.Complete, f.Channel = sum.Title, true, channel
		if f.Title == "" {
			f.Title = f.Name
		}
		ids = append(ids, f.ID)
		out = append(out, map[string]any{"id": f.ID, "title": f.Title, "name": f.Name, "size": len(f.Content)})
	}
	if channel != "" {
		s.addMessageLocked(Message{
			Channel: channel, User: s.opts.BotUserID, Text: r.Params["initial_comment"], Blocks: blocks,
			TS: s.inbox.clock.next(), ThreadTS: r.Params["thread_ts"], Source: "files", FileIDs: ids,
		})
	}
	return map[string]any{"files": out}, ""
}

// Files returns every file, uploaded or not, in no particular order.
func (s *Server) Files() []File {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]File, 0, len(s.files.byID))
	for _, f := range s.files.byID {
		out = append(out, copyFile(f))
	}
	return out
}

// File returns one file by id.
func (s *Server) File(id string) (File, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.files.byID[id]
	if !ok {
		return File{}, false
	}
	return copyFile(f), true
}

func copyFile(f *File) File {
	c := *f
	c.Content = append([]byte(nil), f.Content...)
	return c
}
