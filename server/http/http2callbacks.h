#pragma once

#include "http2session.h"

#include <nghttp2/nghttp2.h>

namespace sse {

// nghttp2's C callbacks, each handing over to the Http2Session in user: the request's side in
// http2session.cpp, the answer's in http2streams.cpp.
struct Http2Callbacks
{
    static Http2Session &of(void *user) { return *static_cast<Http2Session *>(user); }
    static Http2Session::Stream *streamOf(nghttp2_session *session, int32_t streamId)
    {
        return static_cast<Http2Session::Stream *>(
            nghttp2_session_get_stream_user_data(session, streamId));
    }

    static int beginHeaders(nghttp2_session *session, const nghttp2_frame *frame, void *user);
    static int header(nghttp2_session *session, const nghttp2_frame *frame, const uint8_t *name,
                      size_t nameLength, const uint8_t *value, size_t valueLength, uint8_t flags,
                      void *user);
    static int dataChunk(nghttp2_session *session, uint8_t flags, int32_t streamId,
                         const uint8_t *data, size_t length, void *user);
    static int frameReceived(nghttp2_session *session, const nghttp2_frame *frame, void *user);
    static int streamClosed(nghttp2_session *session, int32_t streamId, uint32_t errorCode,
                            void *user);
    static int frameSent(nghttp2_session *session, const nghttp2_frame *frame, void *user);
    static ssize_t send(nghttp2_session *session, const uint8_t *data, size_t length, int flags,
                        void *user);
    static ssize_t readBody(nghttp2_session *session, int32_t streamId, uint8_t *buffer,
                            size_t length, uint32_t *flags, nghttp2_data_source *source,
                            void *user);
    static int sendBody(nghttp2_session *session, nghttp2_frame *frame, const uint8_t *frameHeader,
                        size_t length, nghttp2_data_source *source, void *user);
};

} // namespace sse
