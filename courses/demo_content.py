"""Content of the two demo courses (Vietnamese, as instructors of the program would write it).

Kept apart from ``courses.demo`` so the seeding logic stays short. Each lesson body is
Wagtail's raw StreamField data: ``{"type": ..., "value": ...}`` per block.
"""


def heading(text, size="h2"):
    return {"type": "heading", "value": {"text": text, "size": size}}


def paragraph(html):
    return {"type": "paragraph", "value": html}


def callout(kind, title, html):
    return {"type": "callout", "value": {"kind": kind, "title": title, "text": html}}


def video(title, url, caption=""):
    return {"type": "video", "value": {"title": title, "video_file": None, "embed": url, "caption": caption}}


def question(prompt, answers, *, kind="single", explanation=""):
    """``answers``: (text, correct, feedback) triples."""
    return {
        "prompt": prompt,
        "kind": kind,
        "answers": [{"text": text, "correct": correct, "feedback": feedback} for text, correct, feedback in answers],
        "explanation": explanation,
    }


def quiz(title, questions, *, pass_mark=70, max_attempts=3, instructions=""):
    return {
        "type": "quiz",
        "value": {
            "title": title,
            "instructions": instructions or "Chọn đáp án bạn cho là đúng rồi bấm Nộp bài. Cần đạt từ 70% để qua bài.",
            "pass_mark": pass_mark,
            "max_attempts": max_attempts,
            "questions": questions,
        },
    }


SCRIPT_ASSIGNMENT = {
    "type": "assignment",
    "value": {
        "title": "Viết kịch bản livestream 15 phút cho một sản phẩm OCOP",
        "instructions": (
            "<p>Chọn <b>một sản phẩm OCOP</b> của đơn vị bạn và viết kịch bản cho một buổi livestream dài 15 phút. "
            "Kịch bản cần có:</p><ul>"
            "<li>Mốc thời gian cho từng phần (mở đầu, câu chuyện sản phẩm, giới thiệu chi tiết, ưu đãi, chốt đơn, kết thúc);</li>"
            "<li>Lời thoại chính bạn sẽ nói, kể cả câu chào và câu kêu gọi đặt hàng;</li>"
            "<li>Thông tin sao OCOP, nguồn gốc, giá, mã sản phẩm và cách đặt hàng;</li>"
            "<li>Ba câu hỏi khách hay hỏi và câu trả lời bạn chuẩn bị sẵn.</li></ul>"
            "<p>Nộp tệp (PDF, DOCX) hoặc đường dẫn Google Docs. Giảng viên sẽ chấm theo các tiêu chí bên dưới.</p>"
        ),
        "allow_file": True,
        "allow_link": True,
        "rubric": [
            {
                "name": "Cấu trúc và thời lượng",
                "description": "Đủ các phần, có mốc thời gian hợp lý, tổng thời lượng khoảng 15 phút.",
                "max_points": 25,
            },
            {
                "name": "Thông tin sản phẩm chính xác",
                "description": "Nêu đúng hạng sao OCOP, nguồn gốc, thành phần, hạn dùng, giá; không nói quá công dụng.",
                "max_points": 25,
            },
            {
                "name": "Câu chuyện và sức thuyết phục",
                "description": "Có câu chuyện về người làm, vùng nguyên liệu; lời thoại tự nhiên, gần gũi.",
                "max_points": 20,
            },
            {
                "name": "Chốt đơn rõ ràng",
                "description": "Mã sản phẩm, cú pháp đặt hàng, cách xác nhận đơn và giao hàng được nói rõ.",
                "max_points": 20,
            },
            {
                "name": "Chuẩn bị trả lời câu hỏi",
                "description": "Có ít nhất ba câu hỏi thường gặp với câu trả lời lịch sự, đúng sự thật.",
                "max_points": 10,
            },
        ],
        "pass_points": 60,
    },
}


LIVESTREAM_COURSE = {
    "slug": "livestream-ban-hang-ocop",
    "title": "Livestream bán hàng cho chủ thể OCOP",
    "summary": (
        "Từ chuẩn bị sản phẩm, ánh sáng, điện thoại đến kịch bản, chốt đơn và chăm sóc khách sau buổi live: "
        "mọi điều một chủ thể OCOP cần để tự tin bán hàng trong phiên Chợ Đêm Trên Mây."
    ),
    "level": "beginner",
    "duration_hours": 12,
    "sequential": True,
    "colour": (179, 38, 30),
    "learning_outcomes": (
        "<ul><li>Chuẩn bị danh sách sản phẩm, mã hàng, giá và tồn kho trước mỗi buổi livestream;</li>"
        "<li>Dựng góc quay bằng điện thoại với ánh sáng và âm thanh đủ tốt;</li>"
        "<li>Viết và thực hiện kịch bản livestream 15 phút;</li>"
        "<li>Giới thiệu đúng hạng sao OCOP và nguồn gốc sản phẩm;</li>"
        "<li>Chốt đơn, trả lời câu hỏi và chăm sóc khách sau buổi live một cách chuyên nghiệp.</li></ul>"
    ),
    "description": (
        "<p>Khóa học dành cho hợp tác xã, doanh nghiệp nhỏ và hộ sản xuất có sản phẩm OCOP từ 3 sao. "
        "Hoàn thành khóa học và bài thực hành là điều kiện để tham gia chợ thực hành, rồi phiên Chợ Đêm thứ Sáu.</p>"
    ),
    "instructor_bio": "Giảng viên thương mại điện tử, 8 năm đồng hành cùng chủ thể OCOP Hà Nội.",
    "lessons": [
        {
            "slug": "chuan-bi-truoc-buoi-livestream",
            "title": "Chuẩn bị trước buổi livestream",
            "intro": "Một buổi live thành công được quyết định từ hôm trước: sản phẩm, giá, mã hàng, tồn kho và người hỗ trợ.",
            "duration_minutes": 40,
            "body": [
                heading("Lên danh sách sản phẩm"),
                paragraph(
                    "<p>Chỉ chọn <b>3–5 sản phẩm</b> cho một buổi live 15–30 phút. Mỗi sản phẩm cần một <b>mã ngắn</b> "
                    "(ví dụ B01, B02) để khách bình luận đặt hàng, kèm giá bán, quy cách (hộp 500 g, chai 330 ml) và "
                    "số lượng còn trong kho. In danh sách này ra giấy và dán cạnh điện thoại.</p>"
                ),
                heading("Giấy tờ cần có trong tầm tay", "h3"),
                paragraph(
                    "<ul><li>Giấy chứng nhận OCOP còn hiệu lực (khách thường hỏi số sao);</li>"
                    "<li>Tem truy xuất nguồn gốc hoặc mã QR trên bao bì;</li>"
                    "<li>Hồ sơ công bố chất lượng, kết quả kiểm nghiệm nếu là thực phẩm.</li></ul>"
                ),
                callout(
                    "tip",
                    "Mẹo",
                    "<p>Nhờ một người hỗ trợ đọc bình luận và ghi đơn. Người dẫn live chỉ nên tập trung nói và trình bày sản phẩm.</p>",
                ),
                heading("Kiểm tra kỹ thuật 30 phút trước giờ live", "h3"),
                paragraph(
                    "<ol><li>Sạc đầy pin, tắt thông báo và cuộc gọi đến (chế độ Không làm phiền);</li>"
                    "<li>Thử tốc độ mạng: tải lên từ 5 Mbps trở lên, ưu tiên Wi-Fi ổn định;</li>"
                    "<li>Live thử 1–2 phút ở chế độ riêng tư để kiểm tra hình và tiếng.</li></ol>"
                ),
                quiz(
                    "Kiểm tra: chuẩn bị buổi livestream",
                    [
                        question(
                            "Một buổi livestream 20 phút nên giới thiệu bao nhiêu sản phẩm?",
                            [
                                ("Tất cả sản phẩm đang có", False, "Quá nhiều sản phẩm làm khách rối và bạn không kịp giới thiệu kỹ."),
                                ("Khoảng 3–5 sản phẩm", True, "Đúng. Ít sản phẩm giúp bạn kể chuyện và chốt đơn kỹ từng món."),
                                ("Chỉ 1 sản phẩm duy nhất", False, "Có thể, nhưng 3–5 sản phẩm giúp khách có lựa chọn và mua kèm."),
                            ],
                        ),
                        question(
                            "Vì sao mỗi sản phẩm cần một mã ngắn như B01?",
                            [
                                ("Để khách bình luận đặt hàng nhanh, không nhầm sản phẩm", True, "Chính xác: mã ngắn giúp ghi đơn đúng."),
                                ("Vì nền tảng bắt buộc", False, "Không bắt buộc, nhưng mã ngắn giúp ghi đơn chính xác."),
                                ("Để trông chuyên nghiệp hơn", False, "Có thể, nhưng lý do chính là ghi đơn nhanh và đúng."),
                            ],
                        ),
                        question(
                            "Những việc nào nên làm trước giờ live?",
                            [
                                ("Bật chế độ Không làm phiền trên điện thoại", True, "Đúng: cuộc gọi đến có thể làm gián đoạn buổi live."),
                                ("Live thử ở chế độ riêng tư", True, "Đúng: bạn kiểm tra được hình và tiếng trước khi khách vào."),
                                ("Cập nhật hệ điều hành điện thoại ngay trước giờ live", False, "Không nên: cập nhật có thể kéo dài và khởi động lại máy."),
                                ("Chuẩn bị sẵn giấy chứng nhận OCOP", True, "Đúng: khách thường hỏi hạng sao và nguồn gốc."),
                            ],
                            kind="multiple",
                        ),
                    ],
                ),
            ],
        },
        {
            "slug": "anh-sang-am-thanh-va-dien-thoai",
            "title": "Ánh sáng, âm thanh và điện thoại",
            "intro": "Không cần máy quay đắt tiền: một chiếc điện thoại, giá đỡ và ánh sáng đúng cách là đủ cho hình ảnh rõ, màu thật.",
            "duration_minutes": 45,
            "body": [
                heading("Ánh sáng"),
                paragraph(
                    "<p>Đặt nguồn sáng chính <b>phía trước, chếch 45°</b> so với người nói; tránh ngồi quay lưng ra cửa sổ "
                    "vì khuôn mặt sẽ bị tối. Đèn LED tròn (ring light) 26–33 cm là lựa chọn rẻ và đủ dùng. "
                    "Với thực phẩm, ánh sáng trắng trung tính (khoảng 5.000 K) giữ đúng màu sản phẩm: bưởi đỏ phải ra màu đỏ, "
                    "mật ong phải ra màu hổ phách.</p>"
                ),
                heading("Điện thoại và góc quay"),
                paragraph(
                    "<ul><li>Dùng <b>giá đỡ ba chân</b>, đặt điện thoại ngang tầm mắt;</li>"
                    "<li>Quay dọc cho TikTok và Facebook trên di động;</li>"
                    "<li>Lau ống kính trước khi live; dùng camera sau nếu có thể nhìn màn hình phụ;</li>"
                    "<li>Chuẩn bị một khay hoặc bàn nhỏ để đưa sản phẩm lại gần ống kính khi giới thiệu chi tiết.</li></ul>"
                ),
                heading("Âm thanh", "h3"),
                paragraph(
                    "<p>Khách bỏ đi vì tiếng ồn nhanh hơn vì hình mờ. Chọn phòng kín gió, tắt quạt trần, dùng micro cài áo "
                    "có dây hoặc không dây. Nói chậm, rõ, hướng về phía micro.</p>"
                ),
                video(
                    "Dựng góc livestream bằng điện thoại",
                    "https://www.youtube.com/watch?v=Zq3X9b2fA1k",
                    "Hướng dẫn đặt đèn, giá đỡ và micro trong một góc nhà 2 m².",
                ),
                callout(
                    "warning",
                    "Cảnh báo",
                    "<p>Không dùng bộ lọc làm đẹp làm thay đổi màu sản phẩm. Khách nhận hàng khác màu sẽ mất lòng tin và đánh giá thấp.</p>",
                ),
                quiz(
                    "Kiểm tra: ánh sáng và thiết bị",
                    [
                        question(
                            "Nên đặt nguồn sáng chính ở đâu?",
                            [
                                ("Phía sau lưng người nói", False, "Ngược sáng làm khuôn mặt và sản phẩm bị tối."),
                                ("Phía trước, chếch khoảng 45°", True, "Đúng: mặt và sản phẩm sáng đều, có khối."),
                                ("Ngay trên đỉnh đầu", False, "Ánh sáng từ trên xuống tạo bóng đổ dưới mắt và cằm."),
                            ],
                        ),
                        question(
                            "Vì sao không nên dùng bộ lọc làm đẹp khi live bán thực phẩm?",
                            [
                                ("Vì bộ lọc làm chậm điện thoại", False, "Có thể, nhưng lý do chính là sai màu sản phẩm."),
                                ("Vì màu sản phẩm bị thay đổi, khách nhận hàng thấy khác", True, "Đúng: giữ màu thật là giữ uy tín."),
                                ("Vì nền tảng cấm dùng bộ lọc", False, "Nền tảng không cấm, nhưng bộ lọc làm sai màu sản phẩm."),
                            ],
                        ),
                        question(
                            "Thiết bị nào giúp âm thanh rõ nhất với chi phí thấp?",
                            [
                                ("Micro cài áo", True, "Đúng: micro gần miệng thu tiếng rõ, ít tạp âm."),
                                ("Loa bluetooth", False, "Loa phát âm thanh ra, không giúp thu tiếng."),
                                ("Bật âm lượng điện thoại to nhất", False, "Âm lượng loa không ảnh hưởng đến tiếng thu vào."),
                            ],
                        ),
                        question(
                            "Tốc độ tải lên tối thiểu nên có để live ổn định là bao nhiêu?",
                            [
                                ("1 Mbps", False, "Quá thấp: hình sẽ vỡ và giật."),
                                ("Khoảng 5 Mbps trở lên", True, "Đúng: đủ cho hình 720p–1080p ổn định."),
                                ("Không quan trọng nếu dùng 4G", False, "4G có thể chập chờn; luôn thử tốc độ trước."),
                            ],
                        ),
                    ],
                ),
            ],
        },
        {
            "slug": "kich-ban-livestream-15-phut",
            "title": "Kịch bản livestream 15 phút",
            "intro": "Kịch bản giúp bạn không quên thông tin, không nói lan man và biết lúc nào cần chốt đơn.",
            "duration_minutes": 60,
            "body": [
                heading("Sáu phần của một buổi live"),
                paragraph(
                    "<ol><li><b>Mở đầu (0–2 phút):</b> chào khách, giới thiệu bản thân, hợp tác xã và ưu đãi hôm nay;</li>"
                    "<li><b>Câu chuyện (2–4 phút):</b> vùng nguyên liệu, người làm, vì sao sản phẩm đặc biệt;</li>"
                    "<li><b>Giới thiệu chi tiết (4–9 phút):</b> cận cảnh, mở hộp, dùng thử, thành phần, hạn dùng, hạng sao OCOP;</li>"
                    "<li><b>Ưu đãi (9–11 phút):</b> giá, quà tặng, số lượng có hạn;</li>"
                    "<li><b>Chốt đơn (11–14 phút):</b> nhắc mã sản phẩm, cú pháp bình luận, đọc tên khách đã đặt;</li>"
                    "<li><b>Kết thúc (14–15 phút):</b> cảm ơn, hẹn buổi sau, nhắc cách liên hệ.</li></ol>"
                ),
                callout(
                    "tip",
                    "Mẹo",
                    "<p>Nhắc lại cú pháp đặt hàng mỗi 3–5 phút: khách vào muộn không nghe được phần đầu.</p>",
                ),
                heading("Lời thoại mẫu", "h3"),
                paragraph(
                    "<p><i>“Chào cả nhà, em là Nhung từ Hợp tác xã bưởi Phúc Thọ. Hôm nay em mang đến bưởi đỏ đạt OCOP 4 sao, "
                    "hái sáng nay ở vườn. Cả nhà muốn đặt thì bình luận mã B01 và số lượng, ví dụ ‘B01 2’, em sẽ xác nhận "
                    "ngay trên live ạ.”</i></p>"
                ),
                SCRIPT_ASSIGNMENT,
            ],
        },
        {
            "slug": "gioi-thieu-sao-ocop-va-nguon-goc",
            "title": "Giới thiệu sao OCOP và nguồn gốc sản phẩm",
            "intro": "Người mua không thể tự kiểm chứng lời người bán. Hạng sao OCOP và nguồn gốc rõ ràng là bằng chứng bạn đưa ra.",
            "duration_minutes": 40,
            "body": [
                heading("Hạng sao OCOP nói gì với khách"),
                paragraph(
                    "<p>Sản phẩm OCOP được đánh giá, phân hạng từ 1 đến 5 sao; sản phẩm đạt <b>từ 3 sao trở lên</b> được cấp "
                    "giấy chứng nhận có thời hạn. Khi live, hãy nói đúng hạng sao đang có, đưa giấy chứng nhận lại gần ống kính "
                    "và nói năm được công nhận. Không nói “sắp lên 5 sao” khi chưa có quyết định công nhận.</p>"
                ),
                heading("Kể nguồn gốc bằng hình ảnh", "h3"),
                paragraph(
                    "<ul><li>Cho khách xem tem truy xuất, quét thử mã QR trên live;</li>"
                    "<li>Chiếu ảnh hoặc video ngắn ở vườn, xưởng, vùng nguyên liệu;</li>"
                    "<li>Nêu tên hợp tác xã, địa chỉ xã, huyện; người làm ra sản phẩm.</li></ul>"
                ),
                callout(
                    "warning",
                    "Không nói quá công dụng",
                    "<p>Thực phẩm không phải là thuốc. Không nói sản phẩm “chữa bệnh”, “trị tiểu đường”… Vi phạm quảng cáo có thể bị xử phạt "
                    "và bị ban tổ chức đình chỉ gian hàng.</p>",
                ),
                quiz(
                    "Kiểm tra: sao OCOP và nguồn gốc",
                    [
                        question(
                            "Sản phẩm từ bao nhiêu sao thì được cấp giấy chứng nhận OCOP?",
                            [
                                ("Từ 1 sao", False, "Sản phẩm 1–2 sao chưa được cấp giấy chứng nhận."),
                                ("Từ 3 sao", True, "Đúng: từ 3 sao trở lên được cấp giấy chứng nhận."),
                                ("Chỉ sản phẩm 5 sao", False, "Sản phẩm 3 và 4 sao cũng được cấp giấy chứng nhận."),
                            ],
                        ),
                        question(
                            "Khách hỏi “sản phẩm này chữa được tiểu đường không?”. Bạn trả lời thế nào?",
                            [
                                ("“Dạ có, uống đều là khỏi ạ”", False, "Sai và vi phạm quy định quảng cáo thực phẩm."),
                                (
                                    "“Dạ đây là thực phẩm, không phải thuốc; anh chị nên hỏi ý kiến bác sĩ ạ”",
                                    True,
                                    "Đúng: trung thực giữ uy tín cho bạn và cho cả phiên chợ.",
                                ),
                                ("Lờ đi câu hỏi", False, "Khách sẽ nghĩ bạn né tránh; hãy trả lời trung thực."),
                            ],
                        ),
                        question(
                            "Cách nào giúp khách tin nguồn gốc sản phẩm?",
                            [
                                ("Quét thử mã QR truy xuất trên live", True, "Đúng: khách thấy thông tin thật ngay lúc đó."),
                                ("Cho xem giấy chứng nhận OCOP", True, "Đúng: đưa lại gần ống kính để khách đọc được."),
                                ("Nói “sản phẩm sắp được 5 sao”", False, "Không nói điều chưa được công nhận."),
                                ("Chiếu video ở vùng nguyên liệu", True, "Đúng: hình ảnh thật thuyết phục hơn lời nói."),
                            ],
                            kind="multiple",
                        ),
                    ],
                ),
            ],
        },
        {
            "slug": "chot-don-va-tra-loi-cau-hoi",
            "title": "Chốt đơn và trả lời câu hỏi trên livestream",
            "intro": "Chốt đơn rõ ràng, lịch sự và không bỏ sót khách là điều phân biệt người bán chuyên nghiệp.",
            "duration_minutes": 45,
            "body": [
                heading("Nghi thức chốt đơn"),
                paragraph(
                    "<ol><li>Đọc to tên khách và nội dung đơn: “Chị Lan đặt B01 hai hộp ạ”;</li>"
                    "<li>Xác nhận lại giá và số lượng còn lại: “Còn 8 hộp B01 cả nhà nhé”;</li>"
                    "<li>Hướng dẫn khách kiểm tra đơn trên hệ thống Chợ Đêm và điền địa chỉ giao hàng;</li>"
                    "<li>Không hứa hẹn thời gian giao hàng khi chưa chắc chắn.</li></ol>"
                ),
                callout(
                    "info",
                    "Lưu ý",
                    "<p>Trong phiên Chợ Đêm, đơn chỉ được tính khi khách xác nhận trên hệ thống. Luôn nhắc khách bấm xác nhận.</p>",
                ),
                heading("Trả lời câu hỏi và bình luận tiêu cực", "h3"),
                paragraph(
                    "<p>Trả lời câu hỏi theo thứ tự, gọi tên người hỏi. Với bình luận chê bai: cảm ơn góp ý, trả lời ngắn bằng sự thật, "
                    "mời khách nhắn tin riêng nếu cần. <b>Không tranh cãi</b> trên live. Bình luận quấy rối, lừa đảo: nhờ người hỗ trợ "
                    "ẩn và báo cho ban tổ chức.</p>"
                ),
                quiz(
                    "Kiểm tra: chốt đơn và trả lời câu hỏi",
                    [
                        question(
                            "Khách bình luận “B01 2”. Việc đầu tiên bạn làm là gì?",
                            [
                                ("Đọc tên khách, xác nhận mã B01 và số lượng 2", True, "Đúng: khách yên tâm, người hỗ trợ ghi đơn chính xác."),
                                ("Tiếp tục giới thiệu, cuối buổi mới xem bình luận", False, "Khách sẽ nghĩ đơn bị bỏ sót."),
                                ("Nhắn tin riêng đòi chuyển khoản trước", False, "Thanh toán đi qua hệ thống của phiên chợ, không chuyển khoản riêng."),
                            ],
                        ),
                        question(
                            "Một người bình luận “hàng này chắc hàng chợ, đắt quá”. Bạn nên?",
                            [
                                ("Tranh luận đến khi người đó nhận sai", False, "Tranh cãi làm buổi live căng thẳng và mất khách khác."),
                                (
                                    "Cảm ơn góp ý, nói ngắn gọn nguồn gốc và lý do giá, mời nhắn tin riêng",
                                    True,
                                    "Đúng: bình tĩnh và minh bạch thuyết phục cả những người đang xem.",
                                ),
                                ("Chặn ngay người bình luận", False, "Chỉ ẩn hoặc chặn khi là quấy rối, lừa đảo."),
                            ],
                        ),
                        question(
                            "Vì sao nên nhắc số lượng còn lại khi chốt đơn?",
                            [
                                ("Để tránh nhận đơn vượt tồn kho và tạo cảm giác khan hiếm thật", True, "Đúng: minh bạch và tránh phải hủy đơn."),
                                ("Để làm khách sốt ruột dù còn nhiều hàng", False, "Nói sai số lượng là lừa dối khách."),
                                ("Không cần thiết", False, "Nhận quá số hàng có là phải hủy đơn, mất uy tín."),
                            ],
                        ),
                    ],
                ),
            ],
        },
        {
            "slug": "sau-buoi-livestream",
            "title": "Sau buổi livestream: giao hàng và chăm sóc khách",
            "intro": "Khách quay lại mua lần hai nhờ những gì xảy ra sau buổi live: xác nhận đơn, đóng gói, giao hàng và hỏi thăm.",
            "duration_minutes": 35,
            "required": False,
            "body": [
                heading("Trong 24 giờ đầu"),
                paragraph(
                    "<ul><li>Đối chiếu đơn trên hệ thống với ghi chép của người hỗ trợ;</li>"
                    "<li>Gọi hoặc nhắn xác nhận với đơn thiếu địa chỉ;</li>"
                    "<li>Đóng gói chắc chắn, kèm thiệp cảm ơn và hướng dẫn bảo quản;</li>"
                    "<li>Cập nhật trạng thái giao hàng để khách theo dõi.</li></ul>"
                ),
                heading("Chăm sóc và giữ chân khách", "h3"),
                paragraph(
                    "<p>Sau 3–5 ngày, nhắn hỏi khách đã nhận hàng chưa, có hài lòng không. Mời khách để lại đánh giá. "
                    "Khi có khiếu nại, xin lỗi trước, xem ảnh hàng lỗi và đề nghị đổi hoặc hoàn tiền theo quy định của phiên chợ.</p>"
                ),
                quiz(
                    "Kiểm tra: sau buổi livestream",
                    [
                        question(
                            "Khách báo hộp bưởi bị dập khi nhận. Việc nên làm đầu tiên?",
                            [
                                ("Xin lỗi, xin ảnh hàng lỗi và đề nghị cách xử lý", True, "Đúng: ghi nhận và giải quyết nhanh giữ được khách."),
                                ("Nói lỗi do đơn vị vận chuyển, không liên quan", False, "Khách mua của bạn: bạn chịu trách nhiệm xử lý."),
                                ("Im lặng chờ khách quên", False, "Khách sẽ đánh giá thấp và báo ban tổ chức."),
                            ],
                        ),
                        question(
                            "Khi nào nên nhắn hỏi thăm khách?",
                            [
                                ("Sau khi khách nhận hàng vài ngày", True, "Đúng: khách đã dùng thử và có thể cho ý kiến."),
                                ("Mỗi ngày một lần trong một tháng", False, "Nhắn quá nhiều làm phiền khách."),
                                ("Không cần, bán xong là xong", False, "Chăm sóc sau bán giúp khách quay lại."),
                            ],
                        ),
                        question(
                            "Việc nào giúp giảm đơn sai sau buổi live?",
                            [
                                ("Đối chiếu đơn hệ thống với ghi chép của người hỗ trợ", True, "Đúng: phát hiện sớm đơn thiếu hoặc trùng."),
                                ("Giao theo trí nhớ của người dẫn live", False, "Dễ nhầm lẫn khi có nhiều đơn."),
                                ("Chỉ giao các đơn lớn", False, "Mọi đơn đã xác nhận đều phải được giao."),
                            ],
                        ),
                    ],
                ),
            ],
        },
    ],
}


MARKETING_COURSE = {
    "slug": "tiep-thi-so-va-thuong-hieu-ocop",
    "title": "Tiếp thị số và xây dựng thương hiệu sản phẩm OCOP",
    "summary": (
        "Kể câu chuyện thương hiệu, chụp ảnh sản phẩm bằng điện thoại, xây dựng trang mạng xã hội và đánh giá của khách "
        "để sản phẩm OCOP được nhớ đến và được tin tưởng trên môi trường số."
    ),
    "level": "intermediate",
    "duration_hours": 10,
    "sequential": False,
    "colour": (28, 27, 46),
    "learning_outcomes": (
        "<ul><li>Viết câu chuyện thương hiệu ngắn, thật và dễ nhớ;</li>"
        "<li>Thống nhất tên, logo, màu sắc và bao bì trên mọi kênh;</li>"
        "<li>Chụp ảnh sản phẩm đẹp bằng điện thoại;</li>"
        "<li>Lập lịch đăng bài trên Facebook, Zalo OA, TikTok;</li>"
        "<li>Thu thập và phản hồi đánh giá của khách hàng.</li></ul>"
    ),
    "description": "<p>Nên học sau khóa Livestream bán hàng cho chủ thể OCOP.</p>",
    "instructor_bio": "Chuyên gia thương hiệu nông sản, cố vấn chương trình OCOP.",
    "lessons": [
        {
            "slug": "cau-chuyen-thuong-hieu",
            "title": "Câu chuyện thương hiệu",
            "intro": "Khách không chỉ mua một hộp chè, họ mua câu chuyện về đồi chè, người hái và cách làm.",
            "duration_minutes": 40,
            "body": [
                heading("Ba câu hỏi của một câu chuyện thương hiệu"),
                paragraph(
                    "<ol><li><b>Ai làm?</b> Người, gia đình, hợp tác xã đứng sau sản phẩm;</li>"
                    "<li><b>Làm ở đâu, thế nào?</b> Vùng nguyên liệu, quy trình, điều khác biệt;</li>"
                    "<li><b>Vì sao?</b> Điều bạn muốn gìn giữ: nghề truyền thống, giống cây bản địa, sinh kế cho bà con.</li></ol>"
                ),
                paragraph(
                    "<p>Viết câu chuyện trong <b>100–150 chữ</b>, dùng chi tiết thật (tên làng, năm bắt đầu, số hộ tham gia). "
                    "Dùng cùng một câu chuyện trên bao bì, trang Facebook và lời mở đầu buổi live.</p>"
                ),
                callout("tip", "Ví dụ", "<p>“Từ năm 1998, 32 hộ ở xã Đông Xuân cùng giữ giống bưởi đỏ bản địa…”</p>"),
                quiz(
                    "Kiểm tra: câu chuyện thương hiệu",
                    [
                        question(
                            "Điều gì làm câu chuyện thương hiệu đáng tin?",
                            [
                                ("Chi tiết thật: tên làng, năm, số hộ", True, "Đúng: chi tiết cụ thể kiểm chứng được."),
                                ("Nhiều tính từ như “tuyệt hảo”, “số một”", False, "Lời khen chung chung không thuyết phục."),
                                ("Câu chuyện càng dài càng tốt", False, "Ngắn gọn 100–150 chữ dễ nhớ hơn."),
                            ],
                        ),
                        question(
                            "Câu chuyện thương hiệu nên được dùng ở đâu?",
                            [
                                ("Chỉ trên bao bì", False, "Nên dùng nhất quán trên mọi kênh."),
                                ("Trên bao bì, mạng xã hội và lời mở đầu livestream", True, "Đúng: nhất quán giúp khách nhớ."),
                                ("Chỉ khi khách hỏi", False, "Chủ động kể giúp khách nhớ đến bạn."),
                            ],
                        ),
                        question(
                            "Câu hỏi nào KHÔNG thuộc ba câu hỏi của câu chuyện thương hiệu?",
                            [
                                ("Ai làm ra sản phẩm?", False, "Đây là một trong ba câu hỏi."),
                                ("Đối thủ bán giá bao nhiêu?", True, "Đúng: giá đối thủ không thuộc câu chuyện của bạn."),
                                ("Vì sao bạn làm sản phẩm này?", False, "Đây là một trong ba câu hỏi."),
                            ],
                        ),
                    ],
                ),
            ],
        },
        {
            "slug": "nhan-dien-thuong-hieu-va-bao-bi",
            "title": "Nhận diện thương hiệu và bao bì",
            "intro": "Tên, logo, màu sắc và bao bì thống nhất giúp khách nhận ra sản phẩm của bạn trong vài giây lướt mạng.",
            "duration_minutes": 40,
            "body": [
                heading("Bộ nhận diện tối thiểu"),
                paragraph(
                    "<ul><li>Tên thương hiệu ngắn, dễ đọc, dễ gõ không dấu;</li>"
                    "<li>Logo rõ ở kích thước nhỏ (ảnh đại diện 100 px);</li>"
                    "<li>Hai màu chủ đạo và một kiểu chữ dùng thống nhất;</li>"
                    "<li>Bao bì ghi đủ: tên sản phẩm, hạng sao OCOP, thành phần, khối lượng, hạn dùng, nơi sản xuất, mã QR.</li></ul>"
                ),
                callout(
                    "info",
                    "Lưu ý",
                    "<p>Chỉ in biểu trưng OCOP và số sao đúng với giấy chứng nhận còn hiệu lực.</p>",
                ),
                quiz(
                    "Kiểm tra: nhận diện thương hiệu",
                    [
                        question(
                            "Vì sao tên thương hiệu nên dễ gõ không dấu?",
                            [
                                ("Vì nhiều người tìm kiếm bằng cách gõ không dấu", True, "Đúng: khách gõ “buoi do” vẫn phải tìm thấy bạn."),
                                ("Vì tiếng Việt có dấu không đẹp", False, "Tên có dấu vẫn đẹp; chỉ cần dễ tìm khi gõ không dấu."),
                                ("Không quan trọng", False, "Khó tìm là mất khách."),
                            ],
                        ),
                        question(
                            "Thông tin nào bắt buộc phải có trên bao bì thực phẩm?",
                            [
                                ("Hạn sử dụng", True, "Đúng."),
                                ("Khối lượng tịnh", True, "Đúng."),
                                ("Số điện thoại cá nhân của giám đốc", False, "Không bắt buộc; ghi thông tin liên hệ của đơn vị là đủ."),
                                ("Nơi sản xuất", True, "Đúng."),
                            ],
                            kind="multiple",
                        ),
                        question(
                            "Khi nào được in “OCOP 4 sao” lên bao bì?",
                            [
                                ("Khi đã được công nhận 4 sao và giấy chứng nhận còn hiệu lực", True, "Đúng."),
                                ("Khi đã nộp hồ sơ xin đánh giá 4 sao", False, "Chưa được công nhận thì chưa được in."),
                                ("Khi sản phẩm bán chạy", False, "Hạng sao do hội đồng đánh giá công nhận, không do doanh số."),
                            ],
                        ),
                    ],
                ),
            ],
        },
        {
            "slug": "chup-anh-san-pham-bang-dien-thoai",
            "title": "Chụp ảnh sản phẩm bằng điện thoại",
            "intro": "Ảnh đẹp là lời chào đầu tiên: khách quyết định có bấm vào hay không trong chưa đầy một giây.",
            "duration_minutes": 45,
            "body": [
                heading("Năm nguyên tắc"),
                paragraph(
                    "<ol><li>Chụp gần cửa sổ, ánh sáng tự nhiên dịu, tránh nắng gắt;</li>"
                    "<li>Nền đơn giản: mặt gỗ, vải thô, lá chuối;</li>"
                    "<li>Một ảnh toàn cảnh bao bì, một ảnh cận chất liệu, một ảnh sản phẩm đang được dùng;</li>"
                    "<li>Giữ máy chắc, chạm màn hình để lấy nét vào sản phẩm;</li>"
                    "<li>Chỉnh sáng nhẹ, không đổi màu sản phẩm.</li></ol>"
                ),
                video(
                    "Chụp ảnh sản phẩm OCOP với điện thoại",
                    "https://youtu.be/Q8h2mT5vLcY",
                    "Thực hành chụp mật ong, chè và bưởi với ánh sáng cửa sổ.",
                ),
                quiz(
                    "Kiểm tra: ảnh sản phẩm",
                    [
                        question(
                            "Nguồn sáng nào phù hợp nhất để chụp ảnh sản phẩm tại nhà?",
                            [
                                ("Ánh sáng cửa sổ dịu", True, "Đúng: mềm, màu tự nhiên, không tốn tiền."),
                                ("Đèn flash của điện thoại", False, "Flash làm bóng gắt và lóa bao bì."),
                                ("Nắng trưa trực tiếp", False, "Quá gắt, bóng đổ đậm."),
                            ],
                        ),
                        question(
                            "Bộ ảnh tối thiểu cho một sản phẩm gồm những gì?",
                            [
                                ("Toàn cảnh bao bì, cận chất liệu, sản phẩm đang dùng", True, "Đúng: khách thấy đủ hình thức, chất lượng và cách dùng."),
                                ("Mười ảnh giống nhau từ nhiều góc", False, "Nhiều ảnh giống nhau không cho thêm thông tin."),
                                ("Một ảnh logo", False, "Khách cần thấy sản phẩm thật."),
                            ],
                        ),
                        question(
                            "Khi chỉnh ảnh, điều nào không được làm?",
                            [
                                ("Tăng sáng nhẹ", False, "Được phép nếu không đổi màu sản phẩm."),
                                ("Đổi màu sản phẩm cho bắt mắt hơn", True, "Đúng: đổi màu là mô tả sai sản phẩm."),
                                ("Cắt ảnh cho cân đối", False, "Được phép."),
                            ],
                        ),
                    ],
                ),
            ],
        },
        {
            "slug": "mang-xa-hoi-va-lich-dang-bai",
            "title": "Mạng xã hội và lịch đăng bài",
            "intro": "Đăng đều đặn quan trọng hơn đăng nhiều: một lịch đăng bài đơn giản giúp trang của bạn sống mỗi tuần.",
            "duration_minutes": 50,
            "body": [
                heading("Chọn kênh"),
                paragraph(
                    "<ul><li><b>Facebook</b>: trang chính thức, bài viết, livestream, nhóm khách quen;</li>"
                    "<li><b>Zalo OA</b>: nhắn tin chăm sóc khách, thông báo phiên chợ;</li>"
                    "<li><b>TikTok</b>: video ngắn 15–60 giây về vùng nguyên liệu, cách làm, cách dùng.</li></ul>"
                ),
                heading("Lịch đăng bài mẫu mỗi tuần", "h3"),
                paragraph(
                    "<p>Thứ Hai: câu chuyện người làm. Thứ Tư: mẹo sử dụng, công thức món ăn. Thứ Năm: nhắc lịch live. "
                    "Thứ Sáu: livestream trong phiên Chợ Đêm. Chủ nhật: cảm ơn khách, chia sẻ đánh giá.</p>"
                ),
                callout(
                    "tip",
                    "Mẹo",
                    "<p>Chuẩn bị nội dung cả tuần vào một buổi, dùng tính năng hẹn giờ đăng để không bị gián đoạn khi bận mùa vụ.</p>",
                ),
                quiz(
                    "Kiểm tra: mạng xã hội",
                    [
                        question(
                            "Kênh nào phù hợp nhất cho video ngắn giới thiệu cách làm sản phẩm?",
                            [
                                ("TikTok", True, "Đúng: TikTok ưu tiên video ngắn dạng dọc."),
                                ("E-mail", False, "E-mail không phải kênh chính cho video ngắn."),
                                ("Tin nhắn SMS", False, "SMS không hiển thị video."),
                            ],
                        ),
                        question(
                            "Điều gì quan trọng nhất với một trang mạng xã hội bán hàng?",
                            [
                                ("Đăng đều đặn theo lịch", True, "Đúng: khách và thuật toán đều ưu tiên trang hoạt động đều."),
                                ("Đăng 20 bài trong một ngày rồi nghỉ cả tháng", False, "Không đều đặn làm trang mất người theo dõi."),
                                ("Chỉ đăng giá bán", False, "Nội dung chỉ có giá nhanh làm khách chán."),
                            ],
                        ),
                        question(
                            "Zalo OA thường được dùng để làm gì?",
                            [
                                ("Nhắn tin chăm sóc khách", True, "Đúng."),
                                ("Thông báo lịch phiên chợ", True, "Đúng."),
                                ("Thay thế giấy chứng nhận OCOP", False, "Không có gì thay thế được giấy chứng nhận."),
                            ],
                            kind="multiple",
                        ),
                        question(
                            "Nên nhắc lịch livestream vào lúc nào?",
                            [
                                ("Một ngày trước và ngay trước giờ live", True, "Đúng: khách kịp sắp xếp thời gian."),
                                ("Sau khi live đã kết thúc", False, "Quá muộn để khách tham gia."),
                                ("Không cần nhắc", False, "Khách quen cũng cần được nhắc."),
                            ],
                        ),
                    ],
                ),
            ],
        },
        {
            "slug": "danh-gia-cua-khach-hang-va-uy-tin",
            "title": "Đánh giá của khách hàng và uy tín",
            "intro": "Trên môi trường số, lời khen của khách thật có sức nặng hơn mọi quảng cáo.",
            "duration_minutes": 35,
            "body": [
                heading("Xin đánh giá đúng lúc"),
                paragraph(
                    "<p>Xin đánh giá khi khách đã nhận và dùng sản phẩm. Gửi kèm hướng dẫn ngắn cách đánh giá trên trang gian hàng. "
                    "Không mua đánh giá ảo, không tặng quà để đổi lấy đánh giá 5 sao: ban tổ chức có thể gỡ gian hàng.</p>"
                ),
                heading("Trả lời đánh giá tiêu cực", "h3"),
                paragraph(
                    "<p>Trả lời trong 24 giờ: cảm ơn, xin lỗi vì trải nghiệm chưa tốt, nói rõ cách bạn khắc phục. "
                    "Người đọc sau đánh giá cách bạn xử lý nhiều hơn chính lời chê.</p>"
                ),
                quiz(
                    "Kiểm tra: đánh giá và uy tín",
                    [
                        question(
                            "Khi nào nên xin khách đánh giá?",
                            [
                                ("Sau khi khách đã nhận và dùng sản phẩm", True, "Đúng: đánh giá có nội dung thật."),
                                ("Ngay khi khách vừa đặt hàng", False, "Khách chưa dùng sản phẩm thì chưa thể đánh giá."),
                                ("Không bao giờ", False, "Đánh giá thật giúp khách mới tin bạn."),
                            ],
                        ),
                        question(
                            "Cách trả lời đánh giá 1 sao nào là phù hợp?",
                            [
                                ("Cảm ơn, xin lỗi và nói rõ cách khắc phục", True, "Đúng: người đọc sau thấy bạn có trách nhiệm."),
                                ("Xóa đánh giá nếu có thể", False, "Xóa đánh giá thật làm mất lòng tin."),
                                ("Trả lời rằng khách nói sai", False, "Đổ lỗi cho khách gây phản cảm."),
                            ],
                        ),
                        question(
                            "Việc nào vi phạm quy định của phiên chợ?",
                            [
                                ("Mua đánh giá ảo", True, "Đúng: gian hàng có thể bị gỡ."),
                                ("Gửi hướng dẫn cách đánh giá", False, "Được phép."),
                                ("Trả lời mọi đánh giá", False, "Nên làm."),
                            ],
                        ),
                    ],
                ),
            ],
        },
    ],
}

COURSES = [LIVESTREAM_COURSE, MARKETING_COURSE]
