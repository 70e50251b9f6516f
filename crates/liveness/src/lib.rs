//! Active liveness, pure logic (issue 5). (Being built.)
